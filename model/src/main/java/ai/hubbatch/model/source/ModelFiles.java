package ai.hubbatch.model.source;

import ai.hubbatch.model.engine.WeightsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files of a repository that hubbatch needs, like the Inference Toolkit's framework filter but
 * tighter: the configuration, tokenizer and preprocessor files, and the weights of one engine in
 * one dtype. Other weight formats and precisions, exports and the model card stay on the Hub.
 */
final class ModelFiles {

  /**
   * Top-level configuration and tokenizer files ({@code config.json}, {@code tokenizer.json},
   * {@code vocab.txt}, {@code merges.txt}, {@code spiece.model}, ...), and the configuration of
   * sentence-transformers modules ({@code 1_Pooling/config.json}), and the model's own code ({@code
   * code/*.jar}, {@code code/*.py}), so a repository that carries code is refused, or run with it
   * when trusted, as a folder is ({@link ai.hubbatch.model.task.ModelCode}).
   */
  private static final Pattern METADATA =
      Pattern.compile(
          "[^/]+\\.(json|txt|model)|\\d+_[A-Za-z]+/[^/]+\\.(json|txt)|code/.+\\.(jar|py)");

  private ModelFiles() {}

  /**
   * The files to download.
   *
   * @param files every file of the repository, {@code /}-separated
   * @param weights the engine and dtype the user chose, resolved here as the load resolves them
   * @param model the model's name, for messages
   * @throws IllegalArgumentException when the repository has no weights an engine runs, or none in
   *     the dtype asked for
   */
  static List<String> needed(List<String> files, WeightsRequest weights, String model) {
    List<String> needed = new ArrayList<>();
    for (String file : files) {
      if (METADATA.matcher(file).matches()) {
        needed.add(file);
      }
    }
    for (String file : weights.choose(files, model).files()) {
      if (!needed.contains(file)) {
        needed.add(file);
      }
    }
    return needed;
  }
}
