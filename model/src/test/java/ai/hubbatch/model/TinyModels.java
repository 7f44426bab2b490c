package ai.hubbatch.model;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.InferenceListener;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiny models scripts/tiny-models/generate.sh wrote under src/test/resources/tiny-models,
 * with the expected values transformers.js computed for them.
 */
public final class TinyModels {

  /** Both engines, as --engine names them: every tiny model has TorchScript and ONNX weights. */
  public static final List<String> ENGINES = List.of("onnxruntime", "pytorch");

  private TinyModels() {}

  public static Path folder(String name) {
    return Paths.get("src", "test", "resources", "tiny-models", name).toAbsolutePath();
  }

  public static JsonNode expected(String name) {
    try {
      return Json.MAPPER.readTree(folder(name).resolve("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static LoadedModel load(String name, String task, String engine) throws IOException {
    return LoadedModel.load(
        new ModelSpec(folder(name).toString(), task, engine, EngineSettings.defaults()));
  }

  /**
   * Runs request bodies through the shared batching path, all in one call so they share
   * batches, and returns each response; fails on any error.
   */
  public static List<JsonNode> run(String name, String task, String engine, String... bodies)
      throws IOException {
    List<JsonNode> responses = new ArrayList<>();
    for (Outcome outcome : outcomes(name, task, engine, bodies)) {
      if (!outcome.isSuccess()) {
        throw new AssertionError(outcome.error());
      }
      responses.add(outcome.response());
    }
    return responses;
  }

  public static List<Outcome> outcomes(String name, String task, String engine, String... bodies)
      throws IOException {
    try (LoadedModel model = load(name, task, engine);
        BatchPredictor predictor =
            model.newPredictor(new BatchLimits(4, 4096), InferenceListener.NONE)) {
      List<PendingRequest> pending = new ArrayList<>();
      for (String body : bodies) {
        pending.add(predictor.prepare(body));
      }
      return predictor.complete(pending);
    }
  }
}
