package ai.hubbatch.model.source;

import ai.hubbatch.model.engine.EngineKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The files of a repository that hubbatch needs, like the Inference Toolkit's framework filter but
 * tighter: the configuration, tokenizer and preprocessor files, and the weights of one engine.
 * Other weight formats, exports and the model card stay on the Hub.
 */
final class ModelFiles {

  /**
   * Top-level configuration and tokenizer files ({@code config.json}, {@code tokenizer.json},
   * {@code vocab.txt}, {@code merges.txt}, {@code spiece.model}, ...), and the configuration of
   * sentence-transformers modules ({@code 1_Pooling/config.json}).
   */
  private static final Pattern METADATA =
      Pattern.compile("[^/]+\\.(json|txt|model)|\\d+_[A-Za-z]+/[^/]+\\.(json|txt)");

  private ModelFiles() {}

  /**
   * The files to download.
   *
   * @param files every file of the repository, {@code /}-separated
   * @param engine the engine the user chose, or empty to pick one as {@link EngineKind#select}
   * @param model the model's name, for messages
   * @throws IllegalArgumentException when the repository has no weights an engine runs
   */
  static List<String> needed(List<String> files, Optional<EngineKind> engine, String model) {
    EngineKind kind = EngineKind.select(files, engine, model);
    List<String> needed = new ArrayList<>();
    for (String file : files) {
      if (METADATA.matcher(file).matches()) {
        needed.add(file);
      }
    }
    for (String weights : kind.weightFiles(files)) {
      if (!needed.contains(weights)) {
        needed.add(weights);
      }
    }
    return needed;
  }
}
