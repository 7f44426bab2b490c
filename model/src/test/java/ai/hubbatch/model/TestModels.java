package ai.hubbatch.model;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hubbatch.model.source.DefaultModel;
import ai.hubbatch.model.source.ModelFolder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

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
   * Packs a model folder as SageMaker's {@code model.tar.gz} does: its files at the archive's root,
   * gzip at the fastest level (the tests' archives are read once).
   *
   * @return the archive
   */
  public static Path archive(Path folder, Path archive) throws IOException {
    GzipParameters fast = new GzipParameters();
    fast.setCompressionLevel(Deflater.BEST_SPEED);
    try (TarArchiveOutputStream tar =
            new TarArchiveOutputStream(
                new GzipCompressorOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(archive)), fast));
        Stream<Path> files = Files.walk(folder)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        tar.putArchiveEntry(new TarArchiveEntry(file.toFile(), folder.relativize(file).toString()));
        Files.copy(file, tar);
        tar.closeArchiveEntry();
      }
    }
    return archive;
  }

  /**
   * The same model with only the TorchScript weights that scripts/torchscript-default-model.sh
   * generated. Skips the calling test when the file was not generated (no python3-torch here),
   * unless HUBBATCH_REQUIRE_TORCHSCRIPT=1 (as in CI), where it fails.
   */
  public static ModelFolder torchScriptModel() {
    Path pt = Paths.get(System.getProperty("hubbatch.test.torchscript", "missing"));
    if (!Files.isRegularFile(pt)) {
      String message =
          "No TorchScript of the default model at "
              + pt
              + ": run scripts/torchscript-default-model.sh (needs python3-torch, python3-onnx)";
      if ("1".equals(System.getenv("HUBBATCH_REQUIRE_TORCHSCRIPT"))) {
        fail(message);
      }
      assumeTrue(false, message);
    }
    return DefaultModel.withTorchScript(pt);
  }
}
