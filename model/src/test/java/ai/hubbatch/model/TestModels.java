package ai.hubbatch.model;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hubbatch.model.source.DefaultModel;
import ai.hubbatch.model.source.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The real models the tests run, written once per test JVM. */
public final class TestModels {

  private static ModelFolder defaultModel;

  private TestModels() {}

  /** all-MiniLM-L6-v2 as shipped: ONNX weights. */
  public static synchronized ModelFolder defaultModel() {
    if (defaultModel == null) {
      defaultModel = DefaultModel.folder(Paths.get("target", "test-cache", "models"));
    }
    return defaultModel;
  }

  /**
   * The same model with only the TorchScript weights that scripts/torchscript-default-model.sh
   * generated. Skips the calling test when the file was not generated (no python3-torch here),
   * unless HUBBATCH_REQUIRE_TORCHSCRIPT=1 (as in CI), where it fails.
   */
  public static ModelFolder torchScriptModel() {
    Path pt = Paths.get(System.getProperty("hubbatch.test.torchscript", "missing"));
    if (!Files.isRegularFile(pt)) {
      String message = "No TorchScript of the default model at " + pt
          + ": run scripts/torchscript-default-model.sh (needs python3-torch, python3-onnx)";
      if ("1".equals(System.getenv("HUBBATCH_REQUIRE_TORCHSCRIPT"))) {
        fail(message);
      }
      assumeTrue(false, message);
    }
    return DefaultModel.withTorchScript(pt);
  }
}
