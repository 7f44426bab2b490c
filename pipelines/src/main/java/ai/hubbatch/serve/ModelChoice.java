package ai.hubbatch.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which model {@code serve} loads when the command line names none, as a SageMaker container
 * finds it: {@code SM_MODEL_DIR}; else {@code HF_MODEL_ID}, which the toolkit prefers to
 * {@code /opt/ml/model} (it downloads the Hub repository and leaves that folder unused); else
 * {@code $SAGEMAKER_BASE_DIR/model} ({@code /opt/ml/model}) when it holds files, which is where
 * SageMaker unpacks {@code model.tar.gz}; else the bundled default model.
 */
public final class ModelChoice {

  private ModelChoice() {}

  /**
   * The model as {@link ai.hubbatch.model.source.ModelLocator#locate} takes it.
   *
   * @param option the {@code --model} option, or null
   * @return a folder path, a Hub id, or empty for the default model
   */
  public static String choose(String option, Map<String, String> env) {
    if (set(option)) {
      return option.trim();
    }
    if (set(env.get("SM_MODEL_DIR"))) {
      return env.get("SM_MODEL_DIR").trim();
    }
    if (set(env.get("HF_MODEL_ID"))) {
      return env.get("HF_MODEL_ID").trim();
    }
    String base = set(env.get("SAGEMAKER_BASE_DIR")) ? env.get("SAGEMAKER_BASE_DIR") : "/opt/ml";
    Path unpacked = Paths.get(base.trim(), "model");
    return holdsFiles(unpacked) ? unpacked.toString() : "";
  }

  private static boolean set(String value) {
    return value != null && !value.isBlank();
  }

  private static boolean holdsFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      return false;
    }
  }
}
