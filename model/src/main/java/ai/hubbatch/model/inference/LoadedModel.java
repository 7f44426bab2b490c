package ai.hubbatch.model.inference;

import ai.djl.Device;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.MediaLimits;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.Weights;
import ai.hubbatch.model.engine.WeightsRequest;
import ai.hubbatch.model.source.LocatedModel;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.source.ModelLocator;
import ai.hubbatch.model.stage.StageRunner;
import ai.hubbatch.model.task.ModelCode;
import ai.hubbatch.model.task.OutputColumn;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.task.TaskContext;
import ai.hubbatch.model.task.TaskFactory;
import ai.hubbatch.model.task.TaskInference;
import ai.hubbatch.model.task.Tasks;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model ready to serve: its folder, its task and everything the task loaded. Thread-safe; threads
 * predict through their own {@link BatchPredictor}.
 */
public final class LoadedModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

  private final ModelFolder folder;
  private final Task<?, ?, ?> task;
  private final Resources resources;
  private final long loadMillis;

  private LoadedModel(
      ModelFolder folder, Task<?, ?, ?> task, Resources resources, long loadMillis) {
    this.folder = folder;
    this.task = task;
    this.resources = resources;
    this.loadMillis = loadMillis;
  }

  /**
   * Locates and loads a model. The task is checked before any weights load, so a misconfigured job
   * fails in milliseconds. A model that carries code ({@code code/*.jar}) is refused unless the
   * spec trusts it; trusted, its code is loaded in a class loader of its own and its tasks are
   * found first ({@link ModelCode}).
   *
   * @throws IllegalArgumentException for a model, task or engine that cannot be used, with a
   *     message saying what to do
   * @throws IOException if the model's files cannot be read
   */
  public static LoadedModel load(ModelSpec spec) throws IOException {
    long start = System.nanoTime();
    WeightsRequest request = spec.weights();
    LocatedModel located =
        ModelLocator.fromEnvironment().locate(spec.model(), spec.revision(), request);
    ModelFolder folder = located.folder();
    String taskName =
        spec.task() != null
            ? TaskInference.canonical(spec.task())
            : TaskInference.infer(folder, located.pipelineTagIfAny());
    // The model's own code, in a class loader of its own, where the model loads: on every worker.
    ModelCode code = ModelCode.load(folder, spec.trustModelCode());
    Resources resources = null;
    try {
      TaskFactory factory = code.factory(taskName);
      resources =
          new Resources(
              taskName,
              folder,
              spec.settings(),
              request.engine(),
              request.choose(folder),
              spec.media());
      resources.keep(code); // kept first, closed last: after everything its tasks loaded
      Task<?, ?, ?> task = factory.create(resources);
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new LoadedModel(folder, task, resources, millis);
    } catch (IOException | RuntimeException e) {
      if (resources != null) {
        resources.close();
      } else {
        code.close();
      }
      throw e;
    }
  }

  /**
   * The typed output columns of the spec's task ({@link TaskFactory#outputColumns}), known without
   * loading weights; a trusted model's code is loaded to ask its task, then closed.
   *
   * @throws IOException if the model's files cannot be read
   */
  public static List<OutputColumn> outputColumns(ModelSpec spec) throws IOException {
    if (spec.task() == null) {
      return List.of();
    }
    if (!spec.trustModelCode()) {
      return Tasks.factory(spec.task()).outputColumns();
    }
    ModelFolder folder =
        ModelLocator.fromEnvironment()
            .locate(spec.model(), spec.revision(), spec.weights())
            .folder();
    try (ModelCode code = ModelCode.load(folder, true)) {
      return code.factory(spec.task()).outputColumns();
    }
  }

  /** A predictor for the calling thread. */
  @SuppressWarnings("unchecked")
  public BatchPredictor newPredictor(BatchLimits limits, InferenceListener listener) {
    StageRunner<?, ?> runner = task.stage().open(limits, listener);
    return new BatchPredictor(task, (StageRunner<Object, Object>) runner);
  }

  public ModelFolder folder() {
    return folder;
  }

  public Task<?, ?, ?> task() {
    return task;
  }

  /** The device the model runs on. */
  public Device device() {
    return task.stage().device();
  }

  /** Time to locate and load the model, in milliseconds. */
  public long loadMillis() {
    return loadMillis;
  }

  /** The weights the task loaded: engine, dtype and files. */
  public Weights weights() {
    return resources.weights;
  }

  /** One line for logs: model, task, weights file, engine, device. */
  public String describe() {
    Weights weights = weights();
    return folder.displayName()
        + " (task "
        + task.name()
        + ", "
        + weights.dtype().label()
        + " weights "
        + weights.main()
        + ", "
        + task.stage().describe()
        + ")";
  }

  @Override
  public void close() {
    resources.close();
  }

  /** The task's context while it loads, then the keeper of what it loaded. */
  private static final class Resources implements TaskContext {
    private final String task;
    private final ModelFolder folder;
    private final EngineSettings settings;
    private final Optional<EngineKind> engine;
    private final Weights weights;
    private final MediaLimits media;
    private final Deque<AutoCloseable> kept = new ArrayDeque<>();
    private TextTokenizer tokenizer;

    Resources(
        String task,
        ModelFolder folder,
        EngineSettings settings,
        Optional<EngineKind> engine,
        Weights weights,
        MediaLimits media) {
      this.task = task;
      this.folder = folder;
      this.settings = settings;
      this.engine = engine;
      this.weights = weights;
      this.media = media;
    }

    @Override
    public String task() {
      return task;
    }

    @Override
    public ModelFolder folder() {
      return folder;
    }

    @Override
    public EngineSettings settings() {
      return settings;
    }

    @Override
    public Optional<EngineKind> engine() {
      return engine;
    }

    @Override
    public Weights weights() {
      return weights;
    }

    @Override
    public MediaLimits mediaLimits() {
      return media;
    }

    @Override
    public synchronized TextTokenizer tokenizer(int maxLength) throws IOException {
      if (tokenizer == null) {
        tokenizer = keep(TextTokenizer.load(folder, maxLength));
      } else if (tokenizer.maxLength() != maxLength) {
        throw new IllegalStateException(
            "The tokenizer was loaded for " + tokenizer.maxLength() + " tokens, not " + maxLength);
      }
      return tokenizer;
    }

    @Override
    public synchronized <T extends AutoCloseable> T keep(T resource) {
      kept.push(resource);
      return resource;
    }

    /** Closes what was kept, newest first. */
    synchronized void close() {
      while (!kept.isEmpty()) {
        try {
          kept.pop().close();
        } catch (Exception e) {
          LOG.warn("Closing {}: {}", folder.displayName(), e.getMessage());
        }
      }
    }
  }
}
