package ai.hubbatch.model.inference;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.engine.EncoderModel;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.source.LocatedModel;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.source.ModelLocator;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.task.TaskFactory;
import ai.hubbatch.model.task.TaskInference;
import ai.hubbatch.model.task.Tasks;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.io.IOException;
import java.util.Optional;

/**
 * A model ready to serve: its folder, tokenizer, engine and task. Thread-safe; threads predict
 * through their own {@link BatchPredictor}.
 */
public final class LoadedModel implements AutoCloseable {

  private final ModelFolder folder;
  private final Task<?> task;
  private final TextTokenizer tokenizer;
  private final EncoderModel encoder;
  private final long loadMillis;

  private LoadedModel(
      ModelFolder folder,
      Task<?> task,
      TextTokenizer tokenizer,
      EncoderModel encoder,
      long loadMillis) {
    this.folder = folder;
    this.task = task;
    this.tokenizer = tokenizer;
    this.encoder = encoder;
    this.loadMillis = loadMillis;
  }

  /**
   * Locates and loads a model. The task and engine are checked before the weights load, so a
   * misconfigured job fails in milliseconds.
   *
   * @throws IllegalArgumentException for a model, task or engine that cannot be used, with a
   *     message saying what to do
   * @throws IOException if the model's files cannot be read
   */
  public static LoadedModel load(ModelSpec spec) throws IOException {
    long start = System.nanoTime();
    Optional<EngineKind> requested = Optional.ofNullable(spec.engine()).map(EngineKind::parse);
    LocatedModel located =
        ModelLocator.fromEnvironment().locate(spec.model(), spec.revision(), requested);
    ModelFolder folder = located.folder();
    String taskName =
        spec.task() != null
            ? TaskInference.canonical(spec.task())
            : TaskInference.infer(folder, located.pipelineTagIfAny());
    TaskFactory factory = Tasks.factory(taskName);
    EngineKind engine = EngineKind.select(folder, requested);
    TextTokenizer tokenizer = TextTokenizer.load(folder, factory.maxLength(folder));
    try {
      EncoderModel encoder = EncoderModel.load(folder, engine, spec.settings());
      Task<?> task = factory.create(folder, tokenizer);
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new LoadedModel(folder, task, tokenizer, encoder, millis);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** A predictor for the calling thread. */
  public BatchPredictor newPredictor(BatchLimits limits, InferenceListener listener) {
    return new BatchPredictor(task, tokenizer.padId(), encoder.newSession(), limits, listener);
  }

  public ModelFolder folder() {
    return folder;
  }

  public Task<?> task() {
    return task;
  }

  public EncoderModel encoder() {
    return encoder;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** Time to locate and load the model, in milliseconds. */
  public long loadMillis() {
    return loadMillis;
  }

  /** One line for logs: model, task, engine, device. */
  public String describe() {
    return folder.displayName()
        + " (task "
        + task.name()
        + ", engine "
        + encoder.engine().djlName()
        + ", device "
        + encoder.device()
        + ", max "
        + tokenizer.maxLength()
        + " tokens)";
  }

  @Override
  public void close() {
    encoder.close();
    tokenizer.close();
  }
}
