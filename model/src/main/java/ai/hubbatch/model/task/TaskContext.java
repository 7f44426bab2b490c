package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.MediaLimits;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.Weights;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.io.IOException;
import java.util.Optional;

/**
 * What a {@link TaskFactory} may load a model with: the model's folder, how the user wants it run
 * (engine, device, media limits), and a place to keep what it loads (tokenizers, networks) until
 * the model is closed.
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
   * The weights chosen for the model: the engine, the resolved dtype and the files of the folder's
   * layout ({@code model.onnx}, or optimum's encoder and decoder files) in that dtype.
   */
  Weights weights();

  /**
   * The resolved dtype (never {@link Dtype#AUTO}): a task that loads graphs of its own loads {@code
   * dtype().file("onnx/model.onnx")}, which exists in the folder whenever {@link #weights()} found
   * that graph.
   */
  default Dtype dtype() {
    return weights().dtype();
  }

  /**
   * The folder's tokenizer, truncating at {@code maxLength} tokens; closed with the model.
   *
   * @throws IOException if the folder has no usable tokenizer
   */
  TextTokenizer tokenizer(int maxLength) throws IOException;

  /** What media inputs may be: the image pixel limit. */
  default MediaLimits mediaLimits() {
    return MediaLimits.defaults();
  }

  /** Keeps a resource until the model is closed, then closes it; returns it. */
  <T extends AutoCloseable> T keep(T resource);
}
