package ai.hubbatch.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.EngineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests that fail stay with themselves; their neighbours are answered. */
class BatchPredictorTest {

  @Test
  void badRequestsFailAloneAndOrderIsKept() throws Exception {
    try (LoadedModel model =
            LoadedModel.load(
                ModelSpec.defaults().withModel(TestModels.defaultModel().path().toString()));
        BatchPredictor predictor =
            model.newPredictor(new BatchLimits(8, 4096), InferenceListener.NONE)) {
      List<String> bodies =
          List.of(
              "{\"inputs\":\"first\"}",
              "not json",
              "{\"inputs\":42}",
              "{\"inputs\":[]}",
              "{\"inputs\":[\"a\",7]}",
              "{\"text\":\"no inputs key\"}",
              "{\"inputs\":\"last\"}");
      List<PendingRequest> pending = new ArrayList<>();
      for (String body : bodies) {
        pending.add(predictor.prepare(body));
      }
      List<Outcome> outcomes = predictor.complete(pending);
      assertEquals(bodies.size(), outcomes.size());
      assertTrue(outcomes.get(0).isSuccess());
      assertTrue(outcomes.get(1).error().startsWith("Not valid JSON"), outcomes.get(1).error());
      assertEquals(
          "sentence-embeddings expects \"inputs\" to be a string or a list of strings, "
              + "got a number",
          outcomes.get(2).error());
      assertEquals("{\"embeddings\":[]}", outcomes.get(3).response().toString());
      assertEquals(
          "sentence-embeddings expects \"inputs\" to be a string or a list of strings, "
              + "but inputs[1] is a number",
          outcomes.get(4).error());
      assertEquals(
          "sentence-embeddings expects \"inputs\" to be a string or a list of strings, "
              + "got an object with keys text",
          outcomes.get(5).error());
      assertTrue(outcomes.get(6).isSuccess());
    }
  }

  /**
   * A folder that claims 2048 positions while the ONNX weights have 512: a long input gets past the
   * tokenizer and makes ONNX Runtime fail for real. Only that record may fail.
   */
  @Test
  void anEngineFailureIsNarrowedToTheRecordThatCausedIt(@TempDir Path dir) throws Exception {
    Path source = TestModels.defaultModel().path();
    for (String file : List.of("tokenizer.json", "onnx/model.onnx")) {
      Files.createDirectories(dir.resolve(file).getParent());
      Files.createSymbolicLink(dir.resolve(file), source.resolve(file));
    }
    Files.writeString(
        dir.resolve("config.json"),
        Files.readString(source.resolve("config.json"))
            .replace("\"max_position_embeddings\": 512", "\"max_position_embeddings\": 2048"));
    AtomicInteger failedBatches = new AtomicInteger();
    try (LoadedModel model =
            LoadedModel.load(
                new ModelSpec(
                    dir.toString(), "feature-extraction", null, EngineSettings.defaults()));
        BatchPredictor predictor =
            model.newPredictor(
                new BatchLimits(8, 1 << 20),
                report -> failedBatches.addAndGet(report.failed() ? 1 : 0))) {
      List<PendingRequest> pending = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        pending.add(predictor.prepare("{\"inputs\":\"short " + i + "\"}"));
      }
      pending.add(3, predictor.prepare("{\"inputs\":\"" + "word ".repeat(700) + "\"}"));
      List<Outcome> outcomes = predictor.complete(pending);
      for (int i = 0; i < outcomes.size(); i++) {
        assertEquals(i != 3, outcomes.get(i).isSuccess(), "record " + i + ": " + outcomes.get(i));
      }
      assertTrue(outcomes.get(3).error().startsWith("Engine failed"), outcomes.get(3).error());
      assertTrue(failedBatches.get() >= 1);
      assertFalse(outcomes.get(0).response().isEmpty());
    }
  }
}
