package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The processors against transformers.js' own (generate/processors.json: repetition penalty,
 * no-repeat n-grams, bad words, min length, min new tokens, forced BOS and EOS, temperature) and
 * the warpers against transformers' top-k, top-p and typical-p run on torch (generate/warpers.json,
 * from beam_reference.py; transformers.js has none of them), on the same rows.
 */
class LogitsProcessorTest {

  static JsonNode resource(String name) throws IOException {
    try (InputStream in = LogitsProcessorTest.class.getResourceAsStream("/generate/" + name)) {
      return Json.MAPPER.readTree(in);
    }
  }

  static Stream<Arguments> processors() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : resource("processors.json").get("cases")) {
      cases.add(Arguments.of(c.get("params").toString(), c));
    }
    return cases.stream();
  }

  static Stream<Arguments> warpers() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    int row = 0;
    for (JsonNode c : resource("warpers.json").get("cases")) {
      cases.add(Arguments.of(row++ / 11, c.get("parameters").toString(), c));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("processors")
  void processorsAsTransformersJs(String name, JsonNode c) {
    GenerationConfig config = GenerationConfig.DEFAULTS.withRequest(c.get("params"), Set.of());
    int[] ids = BeamSearchTest.ints(c.get("ids"));
    float[] scores = floats(c.get("logits"));
    new LogitsProcessor(config, c.get("prompt_length").asInt()).apply(ids, ids.length, scores);
    assertRows(c.get("processed"), scores);
  }

  @ParameterizedTest(name = "row {0}: {1}")
  @MethodSource("warpers")
  void warpersAsTransformers(int row, String name, JsonNode c) {
    JsonNode p = c.get("parameters");
    GenerationConfig config =
        GenerationConfig.DEFAULTS
            .withDoSample(true)
            .withTemperature(p.path("temperature").asDouble(1.0))
            .withTopK(p.path("top_k").asInt(0))
            .withTopP(p.path("top_p").asDouble(1.0))
            .withTypicalP(p.path("typical_p").asDouble(1.0))
            .validated();
    float[] scores = floats(c.get("logits"));
    int keep = p.path("min_tokens_to_keep").asInt(1);
    if (keep == 1) {
      new LogitsProcessor(config, 1).apply(new int[] {0}, 1, scores);
    } else {
      // min_tokens_to_keep > 1 is what transformers uses when sampling beams; only the warpers
      // take it
      if (p.has("top_k")) {
        LogitsProcessor.topK(scores, p.get("top_k").asInt(), keep);
      }
      if (p.has("top_p")) {
        LogitsProcessor.topP(scores, p.get("top_p").asDouble(), keep);
      }
      if (p.has("typical_p")) {
        LogitsProcessor.typicalP(scores, p.get("typical_p").asDouble(), keep);
      }
    }
    assertRows(c.get("warped"), scores);
  }

  static float[] floats(JsonNode node) {
    float[] out = new float[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).isNull() ? Float.NEGATIVE_INFINITY : node.get(i).floatValue();
    }
    return out;
  }

  static void assertRows(JsonNode expected, float[] actual) {
    assertEquals(expected.size(), actual.length);
    for (int i = 0; i < actual.length; i++) {
      if (expected.get(i).isNull()) {
        assertEquals(Float.NEGATIVE_INFINITY, actual[i], "token " + i + " should be -inf");
      } else {
        assertEquals(expected.get(i).floatValue(), actual[i], 1e-5f, "token " + i);
      }
    }
  }
}
