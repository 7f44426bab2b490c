package ai.hubbatch.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.EngineSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same weights on ONNX Runtime and on libtorch give the same embeddings. */
class EnginesAgreeTest {

  private static final List<String> SENTENCES =
      List.of(
          "This is a test.",
          "The quick brown fox jumps over the lazy dog.",
          "Batch inference over many records should be fast and cheap.",
          "Ünïcödé, emoji 🙂 and punctuation!?",
          "a",
          "The service was slow, the food was cold, and the waiter forgot our drinks twice; "
              + "still, the dessert almost made up for it.");

  @Test
  void cosineIsAtLeastFiveNines() throws Exception {
    List<JsonNode> onnx = embed(TestModels.defaultModel().path(), "onnxruntime");
    List<JsonNode> pytorch = embed(TestModels.torchScriptModel().path(), "pytorch");
    assertEquals(SENTENCES.size(), pytorch.size());
    for (int i = 0; i < SENTENCES.size(); i++) {
      double cosine = DefaultModelEmbeddingTest.cosine(onnx.get(i), pytorch.get(i));
      assertTrue(cosine >= 0.99999, SENTENCES.get(i) + ": cosine " + cosine);
    }
  }

  private static List<JsonNode> embed(Path folder, String engine) throws Exception {
    try (LoadedModel model =
            LoadedModel.load(
                new ModelSpec(folder.toString(), null, engine, EngineSettings.defaults()));
        BatchPredictor predictor =
            model.newPredictor(new BatchLimits(4, 4096), InferenceListener.NONE)) {
      List<PendingRequest> pending = new ArrayList<>();
      for (String sentence : SENTENCES) {
        pending.add(
            predictor.prepare(
                new ai.hubbatch.model.codec.InferenceRequest(
                    com.fasterxml.jackson.databind.node.TextNode.valueOf(sentence),
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode())));
      }
      List<JsonNode> vectors = new ArrayList<>();
      for (Outcome outcome : predictor.complete(pending)) {
        vectors.add(outcome.response().get("embeddings"));
      }
      return vectors;
    }
  }
}
