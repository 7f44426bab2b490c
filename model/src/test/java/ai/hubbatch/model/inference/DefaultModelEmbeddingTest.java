package ai.hubbatch.model.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * all-MiniLM-L6-v2 against the published reference values (transformers.js and langchain4j agree on
 * them to 1e-6), on both engines.
 */
class DefaultModelEmbeddingTest {

  private static final double[] THIS_IS_A_TEST = {
    0.03359077, 0.01051252, -0.01749979, 0.02935180, -0.00941951
  };
  private static final double[] THIS_IS_A_TEST_UNNORMALISED_MEAN = {
    0.163278, 0.051099, -0.085063, 0.142673, -0.045786
  };

  private LoadedModel load(String engine, String task) throws Exception {
    ModelFolder folder =
        engine.equals("pytorch") ? TestModels.torchScriptModel() : TestModels.defaultModel();
    return LoadedModel.load(
        new ModelSpec(folder.path().toString(), task, engine, EngineSettings.defaults()));
  }

  private static List<Outcome> predict(LoadedModel model, String... bodies) {
    try (BatchPredictor predictor =
        model.newPredictor(new BatchLimits(32, 8192), InferenceListener.NONE)) {
      List<PendingRequest> pending = new java.util.ArrayList<>();
      for (String body : bodies) {
        pending.add(predictor.prepare(body));
      }
      return predictor.complete(pending);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"onnxruntime", "pytorch"})
  void embedsThisIsATestAsPublished(String engine) throws Exception {
    try (LoadedModel model = load(engine, null)) {
      assertEquals("sentence-embeddings", model.task().name());
      try (TextTokenizer tokenizer = TinyModels.tokenizer(model)) {
        assertArrayEquals(
            new long[] {101, 2023, 2003, 1037, 3231, 1012, 102},
            tokenizer.encode("This is a test.").ids());
      }
      JsonNode embedding =
          predict(model, "{\"inputs\":\"This is a test.\"}").get(0).response().get("embeddings");
      assertEquals(384, embedding.size());
      for (int i = 0; i < THIS_IS_A_TEST.length; i++) {
        assertEquals(THIS_IS_A_TEST[i], embedding.get(i).asDouble(), 1e-4, "value " + i);
      }
      double norm = 0;
      for (JsonNode v : embedding) {
        norm += v.asDouble() * v.asDouble();
      }
      assertEquals(1.0, norm, 1e-5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"onnxruntime", "pytorch"})
  void featureExtractionGivesTokenStatesWhoseMeanIsPublished(String engine) throws Exception {
    try (LoadedModel model = load(engine, "feature-extraction")) {
      JsonNode states = predict(model, "{\"inputs\":\"This is a test.\"}").get(0).response();
      assertEquals(1, states.size(), "[1][tokens][hidden] for one string");
      assertEquals(7, states.get(0).size());
      assertEquals(384, states.get(0).get(0).size());
      for (int i = 0; i < THIS_IS_A_TEST_UNNORMALISED_MEAN.length; i++) {
        double sum = 0;
        for (JsonNode token : states.get(0)) {
          sum += token.get(i).asDouble();
        }
        assertEquals(THIS_IS_A_TEST_UNNORMALISED_MEAN[i], sum / 7, 1e-4, "value " + i);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"onnxruntime", "pytorch"})
  void similarSentencesHaveThePublishedCosine(String engine) throws Exception {
    try (LoadedModel model = load(engine, null)) {
      JsonNode embeddings =
          predict(
                  model,
                  "{\"inputs\":[\"A man is eating food.\",\"A man is eating a piece of bread.\"]}")
              .get(0)
              .response()
              .get("embeddings");
      assertEquals(2, embeddings.size(), "a list gives a list of vectors");
      assertEquals(0.7553, cosine(embeddings.get(0), embeddings.get(1)), 1e-3);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"onnxruntime", "pytorch"})
  void batchingDoesNotChangeResults(String engine) throws Exception {
    try (LoadedModel model = load(engine, null)) {
      String[] texts = {
        "Short.",
        "A somewhat longer sentence that needs several more tokens than the first one.",
        "Medium length sentence here."
      };
      String[] bodies = new String[texts.length];
      for (int i = 0; i < texts.length; i++) {
        bodies[i] = "{\"inputs\":\"" + texts[i] + "\"}";
      }
      List<Outcome> together = predict(model, bodies);
      for (int i = 0; i < texts.length; i++) {
        JsonNode alone = predict(model, bodies[i]).get(0).response().get("embeddings");
        JsonNode batched = together.get(i).response().get("embeddings");
        assertTrue(cosine(alone, batched) > 0.999999, "padding must not leak into " + texts[i]);
      }
    }
  }

  static double cosine(JsonNode a, JsonNode b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.size(); i++) {
      dot += a.get(i).asDouble() * b.get(i).asDouble();
      na += a.get(i).asDouble() * a.get(i).asDouble();
      nb += b.get(i).asDouble() * b.get(i).asDouble();
    }
    return dot / Math.sqrt(na * nb);
  }
}
