package ai.hubbatch.model;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import ai.hubbatch.model.tokenize.SequenceLimits;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tiny models scripts/tiny-models/generate.sh wrote under src/test/resources/tiny-models, with
 * the expected values transformers.js computed for them. Found on the class path, so other modules'
 * tests use them through this module's test jar.
 */
public final class TinyModels {

  /** Both engines, as --engine names them: every tiny model has TorchScript and ONNX weights. */
  public static final List<String> ENGINES = List.of("onnxruntime", "pytorch");

  private TinyModels() {}

  /**
   * The model's folder: where it lies on the class path, or, when the class path holds it inside a
   * jar (the test jar other modules use), a copy under target/tiny-models.
   */
  public static synchronized Path folder(String name) {
    String resource = "/tiny-models/" + name;
    URL config = TinyModels.class.getResource(resource + "/config.json");
    if (config == null) {
      throw new IllegalArgumentException("No tiny model " + name + " on the class path");
    }
    try {
      URI uri = config.toURI();
      if (uri.getScheme().equals("file")) {
        return Paths.get(uri).getParent();
      }
      Path copy = Paths.get("target", "tiny-models", name).toAbsolutePath();
      if (!Files.isDirectory(copy)) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          copyTree(jar.getPath(resource), copy);
        }
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies into a temporary sibling first, so a half-written copy is never taken for a model. */
  private static void copyTree(Path source, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path to = partial.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
    Files.move(partial, target);
  }

  public static JsonNode expected(String name) {
    try {
      return Json.MAPPER.readTree(folder(name).resolve("expected.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A tokenizer loaded from the model's folder as the text tasks load it, for tests that check
   * token ids.
   */
  public static TextTokenizer tokenizer(LoadedModel model) throws IOException {
    return TextTokenizer.load(model.folder(), SequenceLimits.modelMaximum(model.folder()));
  }

  public static LoadedModel load(String name, String task, String engine) throws IOException {
    return LoadedModel.load(
        new ModelSpec(folder(name).toString(), task, engine, EngineSettings.defaults()));
  }

  /**
   * Runs request bodies through the shared batching path, all in one call so they share batches,
   * and returns each response; fails on any error.
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
