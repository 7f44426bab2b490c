package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tasks end to end on the tiny models, on both engines, through the shared batching path: each
 * response is checked against transformers.js's pipeline output where its pipeline matches
 * Python's, and otherwise against values computed here from the expected logits.
 */
class TextTasksTest {

  static final List<String> ENGINES = TinyModels.ENGINES;

  static JsonNode cases(String model) {
    return TinyModels.expected(model).get("cases");
  }

  static float[] logits(String model, int index, String name) {
    List<Float> flat = new ArrayList<>();
    TinyModelLogitsTest.flatten(cases(model).get(index).get("logits").get(name), flat);
    float[] values = new float[flat.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = flat.get(i);
    }
    return values;
  }

  /** Same keys in the same order, strings and integers equal, other numbers to 1e-4. */
  static void assertJson(JsonNode expected, JsonNode actual) {
    assertJson(expected, actual, "$");
  }

  private static void assertJson(JsonNode expected, JsonNode actual, String path) {
    if (expected.isFloatingPointNumber() || actual.isFloatingPointNumber()) {
      assertEquals(expected.asDouble(), actual.asDouble(), 1e-4, path);
    } else if (expected.isContainerNode()) {
      assertEquals(expected.getNodeType(), actual.getNodeType(), path + " " + actual);
      assertEquals(expected.size(), actual.size(), path + " size: " + actual);
      if (expected.isObject()) {
        List<String> want = new ArrayList<>();
        List<String> got = new ArrayList<>();
        expected.fieldNames().forEachRemaining(want::add);
        actual.fieldNames().forEachRemaining(got::add);
        assertEquals(want, got, path + " keys");
        for (String key : want) {
          assertJson(expected.get(key), actual.get(key), path + "." + key);
        }
      } else {
        for (int i = 0; i < expected.size(); i++) {
          assertJson(expected.get(i), actual.get(i), path + "[" + i + "]");
        }
      }
    } else if (expected.isIntegralNumber()) {
      assertTrue(actual.isIntegralNumber(), path + " " + actual);
      assertEquals(expected.asLong(), actual.asLong(), path);
    } else {
      assertEquals(expected, actual, path);
    }
  }

  static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void textClassificationMatchesThePipeline(String engine) throws Exception {
    JsonNode pipeline = TinyModels.expected("tiny-bert-sentiment").get("pipeline");
    List<JsonNode> responses =
        TinyModels.run(
            "tiny-bert-sentiment",
            "text-classification",
            engine,
            "{\"inputs\":[\"I love this movie!\",\"This film was terrible.\"],"
                + "\"parameters\":{\"top_k\":2}}",
            "{\"inputs\":\"I love this movie!\"}",
            "{\"inputs\":{\"text\":\"The cat sat on the mat.\",\"text_pair\":\"A cat is"
                + " sitting.\"}}",
            "{\"inputs\":\"This film was terrible.\",\"parameters\":{\"return_all_scores\":true}}",
            "{\"inputs\":\"I love this movie!\",\"parameters\":{\"function_to_apply\":\"none\","
                + "\"top_k\":1}}");
    assertJson(pipeline.get("output"), responses.get(0));
    double[] love = Scores.softmax(logits("tiny-bert-sentiment", 0, "logits"));
    double[] pair = Scores.softmax(logits("tiny-bert-sentiment", 2, "logits"));
    double[] terrible = Scores.softmax(logits("tiny-bert-sentiment", 1, "logits"));
    // Legacy shapes: a string is wrapped in a list, a pair is not; return_all_scores keeps
    // label order.
    assertJson(json("[{\"label\":\"POSITIVE\",\"score\":" + love[1] + "}]"), responses.get(1));
    int best = Scores.argmax(pair);
    assertJson(
        json(
            "{\"label\":\""
                + (best == 1 ? "POSITIVE" : "NEGATIVE")
                + "\",\"score\":"
                + pair[best]
                + "}"),
        responses.get(2));
    assertJson(
        json(
            "[[{\"label\":\"NEGATIVE\",\"score\":"
                + terrible[0]
                + "},"
                + "{\"label\":\"POSITIVE\",\"score\":"
                + terrible[1]
                + "}]]"),
        responses.get(3));
    float[] raw = logits("tiny-bert-sentiment", 0, "logits");
    assertJson(json("[{\"label\":\"POSITIVE\",\"score\":" + raw[1] + "}]"), responses.get(4));
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void multiLabelClassificationUsesSigmoid(String engine) throws Exception {
    JsonNode pipeline = TinyModels.expected("tiny-bert-multilabel").get("pipeline");
    JsonNode response =
        TinyModels.run(
                "tiny-bert-multilabel",
                "text-classification",
                engine,
                "{\"inputs\":" + pipeline.get("inputs") + ",\"parameters\":{\"top_k\":null}}")
            .get(0);
    assertJson(pipeline.get("output"), response);
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void fillMaskMatchesThePipelineForBothMaskTokens(String engine) throws Exception {
    for (String model : List.of("tiny-bert-mlm", "tiny-roberta-mlm")) {
      JsonNode pipeline = TinyModels.expected(model).get("pipeline");
      List<JsonNode> responses =
          TinyModels.run(
              model,
              "fill-mask",
              engine,
              "{\"inputs\":" + pipeline.get("inputs") + "}",
              "{\"inputs\":" + cases(model).get(1).get("text") + ",\"parameters\":{\"top_k\":2}}");
      assertJson(pipeline.get("output"), responses.get(0));
      // Two masks: a list per mask, and the other mask stays in each sequence.
      JsonNode twoMasks = responses.get(1);
      assertEquals(2, twoMasks.size());
      assertEquals(2, twoMasks.get(0).size());
      String mask = model.contains("roberta") ? "<mask>" : "[MASK]";
      assertTrue(
          twoMasks.get(0).get(0).get("sequence").asText().contains(mask), twoMasks.toString());
      // Each mask's best proposal is the highest probability at that position.
      float[] all = logits(model, 1, "logits");
      JsonNode ids = cases(model).get(1).get("input_ids");
      int vocab = all.length / ids.size();
      int m = 0;
      for (int position = 0; position < ids.size(); position++) {
        if (ids.get(position).asInt() == 4) { // [MASK] and <mask> are both id 4 here
          double[] probs = Scores.softmax(all, position * vocab, vocab);
          assertEquals(
              probs[Scores.argmax(probs)], twoMasks.get(m++).get(0).get("score").asDouble(), 1e-4);
        }
      }
      assertEquals(2, m);
    }
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void zeroShotMatchesThePipeline(String engine) throws Exception {
    JsonNode pipeline = TinyModels.expected("tiny-roberta-nli").get("pipeline");
    List<JsonNode> responses =
        TinyModels.run(
            "tiny-roberta-nli",
            "zero-shot-classification",
            engine,
            "{\"inputs\":"
                + pipeline.get("inputs")
                + ",\"parameters\":{\"candidate_labels\":"
                + pipeline.get("options")
                + "}}",
            "{\"inputs\":"
                + pipeline.get("inputs")
                + ",\"parameters\":{\"candidate_labels\":"
                + "\"positive, negative,sports\",\"multi_label\":true}}");
    assertJson(pipeline.get("output"), responses.get(0));
    // multi_label: each label on its own, entailment (2) against contradiction (0).
    JsonNode multi = responses.get(1);
    List<String> labels = List.of("positive", "negative", "sports");
    for (int i = 0; i < 3; i++) {
      String label = multi.get("labels").get(i).asText();
      float[] row = logits("tiny-roberta-nli", labels.indexOf(label), "logits");
      double expected = Scores.softmax(new float[] {row[0], row[2]})[1];
      assertEquals(expected, multi.get("scores").get(i).asDouble(), 1e-4, label);
    }
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void rankingScoresPairsAndRanksTexts(String engine) throws Exception {
    JsonNode cases = cases("tiny-bert-cross-encoder");
    List<JsonNode> responses =
        TinyModels.run(
            "tiny-bert-cross-encoder",
            "ranking",
            engine,
            "{\"inputs\":[[\"Where do I live?\",\"I live in Berlin.\"],"
                + "[\"Where do I live?\",\"The cat sat on the mat.\"]]}",
            "{\"inputs\":{\"query\":\"Where do I live?\",\"texts\":[\"I live in Berlin.\","
                + "\"The cat sat on the mat.\",\"Paris is the capital of France.\"],"
                + "\"return_documents\":true}}");
    double[] scores = new double[3];
    for (int i = 0; i < 3; i++) {
      scores[i] = Scores.sigmoid(logits("tiny-bert-cross-encoder", i, "logits"))[0];
    }
    assertJson(json("{\"scores\":[" + scores[0] + "," + scores[1] + "]}"), responses.get(0));
    JsonNode ranked = responses.get(1).get("scores");
    for (int i = 0; i < 3; i++) {
      int index = ranked.get(i).get("index").asInt();
      assertEquals(scores[index], ranked.get(i).get("score").asDouble(), 1e-4);
      assertEquals(cases.get(index).get("text_pair").asText(), ranked.get(i).get("text").asText());
      if (i > 0) {
        assertTrue(
            ranked.get(i - 1).get("score").asDouble() >= ranked.get(i).get("score").asDouble());
      }
    }
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void badInputsNameTheExpectedShape(String engine) throws Exception {
    List<Outcome> outcomes =
        TinyModels.outcomes(
            "tiny-bert-mlm",
            "fill-mask",
            engine,
            "{\"inputs\":\"no mask here\"}",
            "{\"inputs\":\"Paris is the [MASK].\",\"parameters\":{\"topk\":3}}",
            "{\"inputs\":{\"question\":\"q\"}}");
    assertEquals("No mask_token ([MASK]) found on the input", outcomes.get(0).error());
    assertTrue(
        outcomes
            .get(1)
            .error()
            .startsWith("fill-mask does not take the parameter \"topk\"; it takes ["),
        outcomes.get(1).error());
    assertEquals(
        "fill-mask expects \"inputs\" to be a string or a list of strings, got an "
            + "object with keys question",
        outcomes.get(2).error());
  }

  /** The README's promise, which the encoder tasks broke: an unknown parameter is an error. */
  @ParameterizedTest
  @ValueSource(strings = {"sentence-embeddings", "feature-extraction"})
  void encoderTasksRefuseUnknownParameters(String task) throws Exception {
    List<Outcome> outcomes =
        TinyModels.outcomes(
            "tiny-bert-mlm",
            task,
            "onnxruntime",
            "{\"inputs\":\"a sentence\",\"parameters\":{\"normalize_embeddings\":true}}",
            "{\"inputs\":\"a sentence\",\"parameters\":{\"truncation\":true}}");
    assertEquals(
        task
            + " does not take the parameter \"normalize_embeddings\"; it takes [batch_size,"
            + " num_workers, padding, truncation]",
        outcomes.get(0).error());
    assertTrue(outcomes.get(1).isSuccess(), "the pipeline-call arguments every task takes");
  }
}
