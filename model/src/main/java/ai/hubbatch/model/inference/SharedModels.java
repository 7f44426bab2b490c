package ai.hubbatch.model.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded model per spec per JVM, shared by every thread and every copy of a pipeline step, so a
 * runner that makes several DoFn instances does not load the weights several times. Models live
 * until the JVM exits.
 */
public final class SharedModels {

  private static final Map<ModelSpec, LoadedModel> MODELS = new ConcurrentHashMap<>();

  private SharedModels() {}

  /**
   * The loaded model for this spec, loading it on first use; concurrent callers wait for the one
   * load.
   *
   * @throws UncheckedIOException if the model's files cannot be read
   */
  public static LoadedModel get(ModelSpec spec) {
    return MODELS.computeIfAbsent(spec, SharedModels::load);
  }

  private static LoadedModel load(ModelSpec spec) {
    try {
      return LoadedModel.load(spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
