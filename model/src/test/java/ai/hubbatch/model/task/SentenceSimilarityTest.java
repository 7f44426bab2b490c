package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sentence-similarity with the real all-MiniLM-L6-v2 weights on both engines. */
class SentenceSimilarityTest {

  private static final String BODY =
      "{\"inputs\":{\"source_sentence\":\"A man is eating food.\","
          + "\"sentences\":[\"A man is eating a piece of bread.\",\"A man is eating food.\"]}}";

  @Test
  void publishedCosineOnOnnxRuntime() throws Exception {
    check(TestModels.defaultModel().path(), "onnxruntime");
  }

  @Test
  void publishedCosineOnPyTorch() throws Exception {
    check(TestModels.torchScriptModel().path(), "pytorch");
  }

  private static void check(Path folder, String engine) throws Exception {
    try (LoadedModel model =
            LoadedModel.load(
                new ModelSpec(
                    folder.toString(), "sentence-similarity", engine, EngineSettings.defaults()));
        BatchPredictor predictor =
            model.newPredictor(new BatchLimits(8, 4096), InferenceListener.NONE)) {
      JsonNode response = predictor.complete(List.of(predictor.prepare(BODY))).get(0).response();
      JsonNode similarities = response.get("similarities");
      assertEquals(2, similarities.size(), response.toString());
      assertEquals(0.7553, similarities.get(0).asDouble(), 1e-3);
      assertEquals(1.0, similarities.get(1).asDouble(), 1e-5);
    }
  }
}
