package ai.hubbatch.model.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of hubbatch: compact output, raw UTF-8 (no ASCII escaping), and no NaN
 * or infinity, as the toolkit's {@code json.dumps(ensure_ascii=False, allow_nan=False)}. Reading
 * takes exactly one value: text after it is an error, as in {@code json.loads}, so {@code
 * {"inputs":"a"} {"inputs":"b"}} is never silently read as its first half.
 */
public final class Json {

  /** Shared, thread-safe mapper. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /**
   * Serialises a response compactly.
   *
   * @throws IllegalArgumentException if the value holds NaN or infinity, which JSON cannot carry
   */
  public static String write(JsonNode value) {
    try {
      String text = MAPPER.writeValueAsString(value);
      if (text.contains("NaN") || text.contains("Infinity")) {
        NonFinite.check(value);
      }
      return text;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise a response", e);
    }
  }

  /** Finds non-finite numbers; strings that merely contain "NaN" pass. */
  private static final class NonFinite {
    static void check(JsonNode node) {
      if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
        throw new IllegalArgumentException(
            "Out of range float values are not JSON compliant: " + node.doubleValue());
      }
      node.forEach(NonFinite::check);
    }
  }
}
