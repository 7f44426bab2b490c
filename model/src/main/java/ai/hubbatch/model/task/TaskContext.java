package ai.hubbatch.model.task;

import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.io.IOException;
import java.util.Optional;

/**
 * What a {@link TaskFactory} may load a model with: the model's folder, how the user wants it run,
 * and a place to keep what it loads (tokenizers, networks) until the model is closed.
 */
public interface TaskContext {

  /**
   * The task as named for this model, canonical ({@code translation_en_to_fr} for the translation
   * task's factory, which serves every language pair).
   */
  String task();

  /** The model's files. */
  ModelFolder folder();

  /** Device and threads. */
  EngineSettings settings();

  /** The engine the user asked for, if any. */
  Optional<EngineKind> engine();

  /**
   * The folder's tokenizer, truncating at {@code maxLength} tokens; closed with the model.
   *
   * @throws IOException if the folder has no usable tokenizer
   */
  TextTokenizer tokenizer(int maxLength) throws IOException;

  /** Keeps a resource until the model is closed, then closes it; returns it. */
  <T extends AutoCloseable> T keep(T resource);
}
