package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whisper's engine-free pieces on the tiny Whisper: prompts against the sequences transformers.js
 * generated, text and chunks against transformers' Python {@code WhisperTokenizer} and {@code
 * _decode_asr} ({@code reference.json}) and transformers.js's pipeline ({@code expected.json}).
 */
class WhisperTest {

  private static final ModelFolder MODEL =
      ModelFolder.open(Path.of("src/test/resources/tiny-models/tiny-whisper"));
  private static TextTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    tokenizer = TextTokenizer.load(MODEL, 448);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static WhisperPrompt prompt() {
    return WhisperPrompt.fromConfig(MODEL.json("generation_config.json"), MODEL.config());
  }

  private static WhisperDecoding decoding() {
    return WhisperDecoding.load(MODEL, tokenizer::decode);
  }

  private static long id(String token) {
    return tokenizer.vocabulary().id(token).orElseThrow();
  }

  private static long[] longs(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asLong();
    }
    return values;
  }

  @Test
  void promptsAreTheOnesTransformersJsGeneratedFrom() throws IOException {
    JsonNode expected = Json.MAPPER.readTree(MODEL.path().resolve("expected.json").toFile());
    for (JsonNode testCase : expected.get("cases")) {
      JsonNode options = testCase.get("options");
      String language = options.path("language").asText(null);
      String task = options.path("task").asText(null);
      boolean timestamps = options.path("return_timestamps").asBoolean(false);

      // transformers.js takes English where no language is given; this model's language detection
      // would too (its language tokens' logits are all zero, and the first one wins).
      long[] prompt = prompt().tokens(language, task, timestamps, () -> id("<|en|>"));

      long[] sequence = longs(testCase.get("sequence"));
      assertArrayEquals(Arrays.copyOf(sequence, prompt.length), prompt, options.toString());
      assertTrue(sequence[prompt.length] < id("<|endoftext|>") || timestamps);
    }
  }

  @Test
  void promptOptionsAreValidated() {
    WhisperPrompt prompt = prompt();
    assertArrayEquals(
        new long[] {id("<|startoftranscript|>"), id("<|es|>"), id("<|transcribe|>")},
        prompt.tokens("Castilian", null, true, () -> -1));
    assertArrayEquals(
        new long[] {
          id("<|startoftranscript|>"), id("<|de|>"), id("<|translate|>"), id("<|notimestamps|>")
        },
        prompt.tokens("<|de|>", "translate", false, () -> -1));

    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class, () -> prompt.tokens("klingon", null, false, () -> -1));
    assertTrue(unknown.getMessage().startsWith("Unsupported language: klingon."));
    IllegalArgumentException absent =
        assertThrows(
            IllegalArgumentException.class, () -> prompt.tokens("japanese", null, false, () -> -1));
    assertTrue(absent.getMessage().startsWith("<|ja|> is not supported by this specific model"));
    IllegalArgumentException task =
        assertThrows(
            IllegalArgumentException.class,
            () -> prompt.tokens("en", "summarize", false, () -> -1));
    assertTrue(task.getMessage().contains("`summarize` task is not supported"));

    ObjectNode englishOnly = MODEL.json("generation_config.json").deepCopy();
    englishOnly.put("is_multilingual", false);
    englishOnly.remove("lang_to_id");
    englishOnly.remove("task_to_id");
    englishOnly.remove("forced_decoder_ids");
    WhisperPrompt english = WhisperPrompt.fromConfig(englishOnly, Json.MAPPER.createObjectNode());
    assertThrows(IllegalArgumentException.class, () -> english.tokens("en", null, false, () -> -1));
    assertArrayEquals(
        new long[] {id("<|startoftranscript|>"), id("<|notimestamps|>")},
        english.tokens(null, null, false, () -> -1));
  }

  @Test
  void languageDetectionPicksTheBestLanguageToken() {
    float[] logits = new float[(int) id("<|0.00|>") + 10];
    logits[(int) id("<|fr|>")] = 2f;
    logits[(int) id("hel")] = 9f;

    WhisperPrompt prompt = prompt();

    assertTrue(prompt.detectsLanguage(null, null));
    assertEquals(id("<|fr|>"), prompt.detectedLanguage(logits));
    assertEquals(
        id("<|fr|>"), prompt.tokens(null, null, false, () -> prompt.detectedLanguage(logits))[1]);
  }

  @Test
  void decodingMatchesTransformersPython() throws IOException {
    JsonNode reference = Json.MAPPER.readTree(MODEL.path().resolve("reference.json").toFile());
    WhisperDecoding decoding = decoding();
    for (JsonNode testCase : reference.get("cases")) {
      List<WhisperDecoding.Output> outputs = new ArrayList<>();
      for (JsonNode output : testCase.get("outputs")) {
        double[] stride = null;
        if (output.has("stride")) {
          JsonNode s = output.get("stride");
          stride = new double[] {s.get(0).asDouble(), s.get(1).asDouble(), s.get(2).asDouble()};
        }
        outputs.add(new WhisperDecoding.Output(longs(output.get("tokens")), stride));
      }
      String name = testCase.get("name").asText();

      Transcript transcript =
          decoding.transcript(outputs, testCase.get("return_timestamps").asBoolean());

      assertEquals(testCase.get("output"), transcript.toJson(), name);
      if (testCase.has("text")) {
        assertEquals(testCase.get("text").asText(), decoding.text(outputs.get(0).tokens()), name);
      }
    }
  }

  @Test
  void decodingMatchesTransformersJsPipeline() throws IOException {
    JsonNode expected = Json.MAPPER.readTree(MODEL.path().resolve("expected.json").toFile());
    WhisperDecoding decoding = decoding();
    for (JsonNode testCase : expected.get("cases")) {
      boolean timestamps = testCase.get("options").path("return_timestamps").asBoolean(false);

      Transcript transcript =
          decoding.transcript(
              List.of(WhisperDecoding.Output.of(longs(testCase.get("sequence")))), timestamps);

      assertEquals(testCase.get("output"), transcript.toJson(), testCase.get("options").toString());
    }
  }

  @Test
  void logitsRulesFollowTransformersProcessors() {
    WhisperLogitsRules rules = WhisperLogitsRules.fromConfig(MODEL.json("generation_config.json"));
    int begin = rules.timestampBegin();
    int size = begin + 1501;
    long[] prompt = {id("<|startoftranscript|>"), id("<|en|>"), id("<|transcribe|>")};
    long space = id("Ġ");
    long eot = id("<|endoftext|>");

    // First step without timestamps: the begin-suppressed tokens and the suppressed ones are out.
    float[] first = new float[size];
    rules.apply(first, append(prompt, id("<|notimestamps|>")), 4, false);
    assertEquals(Float.NEGATIVE_INFINITY, first[(int) space]);
    assertEquals(Float.NEGATIVE_INFINITY, first[(int) eot]);
    assertEquals(Float.NEGATIVE_INFINITY, first[(int) id("<|translate|>")]);
    assertEquals(0f, first[(int) id("hel")]);

    // First step with timestamps: only <|0.00|> .. <|1.00|> (max_initial_timestamp_index 50).
    float[] timed = new float[size];
    rules.apply(timed, prompt, 3, true);
    assertEquals(Float.NEGATIVE_INFINITY, timed[(int) id("hel")]);
    assertEquals(0f, timed[begin]);
    assertEquals(0f, timed[begin + 50]);
    assertEquals(Float.NEGATIVE_INFINITY, timed[begin + 51]);

    // After <|0.40|> text: no timestamp up to 0.40 again, text still possible.
    float[] afterText = new float[size];
    afterText[(int) id("hel")] = 10f;
    rules.apply(afterText, append(prompt, begin + 20, id("hel")), 3, true);
    assertEquals(Float.NEGATIVE_INFINITY, afterText[begin + 20]);
    assertEquals(0f, afterText[begin + 21]);
    assertEquals(10f, afterText[(int) id("hel")]);

    // After a closing timestamp (text, then one timestamp): a timestamp or the end, no text.
    float[] closing = new float[size];
    closing[(int) eot] = 10f;
    rules.apply(closing, append(prompt, begin, id("hel"), begin + 30), 3, true);
    assertEquals(Float.NEGATIVE_INFINITY, closing[(int) id("hel")]);
    assertEquals(10f, closing[(int) eot]);
    assertEquals(Float.NEGATIVE_INFINITY, closing[begin + 29]);
    assertEquals(0f, closing[begin + 30]);

    // After a pair of timestamps: text, no timestamp; and timestamps outweighing the best text
    // token force a timestamp.
    float[] pair = new float[size];
    rules.apply(pair, append(prompt, begin, id("hel"), begin + 30, begin + 30), 3, true);
    assertEquals(Float.NEGATIVE_INFINITY, pair[begin + 40]);
    assertEquals(0f, pair[(int) id("hel")]);
    float[] heavy = new float[size];
    rules.apply(heavy, append(prompt, begin, id("hel")), 3, true);
    assertEquals(Float.NEGATIVE_INFINITY, heavy[(int) id("hel")]);
  }

  private static long[] append(long[] prefix, long... more) {
    long[] all = Arrays.copyOf(prefix, prefix.length + more.length);
    System.arraycopy(more, 0, all, prefix.length, more.length);
    return all;
  }
}
