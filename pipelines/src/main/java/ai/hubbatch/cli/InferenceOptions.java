package ai.hubbatch.cli;

import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.source.DefaultModel;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The model, engine and batch options that {@code run}, {@code transform}, {@code serve} and
 * {@code bench-serve} share, as a picocli mixin ({@code @Mixin InferenceOptions inference}), so
 * each has the same names, defaults and environment variables.
 */
public final class InferenceOptions {

  @Option(names = "--model",
      description = "Hub model id (org/name), model folder, or model.tar.gz (path or URI such "
          + "as s3://...); default $HF_MODEL_ID, else $SM_MODEL_DIR, else /opt/ml/model "
          + "($SAGEMAKER_BASE_DIR/model) when it holds files, else " + DefaultModel.ID
          + ", bundled.")
  String model;

  @Option(names = "--revision",
      defaultValue = "${sys:HF_MODEL_REVISION:-${env:HF_MODEL_REVISION}}",
      description = "Branch, tag or commit of a Hub model (env HF_MODEL_REVISION); default main.")
  String revision;

  @Option(names = "--task", defaultValue = "${sys:HF_TASK:-${env:HF_TASK}}",
      description = "Task name (env HF_TASK); inferred from the model when unset.")
  String task;

  @Option(names = "--engine", defaultValue = "auto",
      description = "auto (TorchScript if the model has it, else ONNX), pytorch or onnxruntime.")
  String engine;

  @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto.")
  String device;

  @Option(names = "--batch-size",
      description = "Most sequences per engine call; default sized for the device (32 on a "
          + "CPU, more on a GPU's free memory, a Neuron model's compiled batch).")
  Integer batchSize;

  @Option(names = "--max-batch-tokens",
      description = "Most padded tokens (longest x count) per engine call; default sized for "
          + "the device (4096 per CPU core, 8192 to 32768; on a GPU what 40% of its free "
          + "memory holds for the model's width).")
  Integer maxBatchTokens;

  @Option(names = "--intra-op-threads", defaultValue = "0",
      description = "Threads per operator; 0 = engine default.")
  int intraOpThreads;

  @Option(names = "--inter-op-threads", defaultValue = "0",
      description = "Operators run at once; 0 = engine default.")
  int interOpThreads;

  /** The model as given, or null when {@code --model} was not given. */
  public String model() {
    return model;
  }

  /** The revision as given or from {@code HF_MODEL_REVISION}, or null. */
  public String revision() {
    return blankToNull(revision);
  }

  /** The task as given or from {@code HF_TASK}, or null to infer it. */
  public String task() {
    return blankToNull(task);
  }

  /**
   * The engine asked for, or empty for auto.
   *
   * @throws IllegalArgumentException for an unknown engine name
   */
  public Optional<EngineKind> engine() {
    return engine.equalsIgnoreCase("auto") ? Optional.empty()
        : Optional.of(EngineKind.parse(engine));
  }

  /**
   * Device and thread pools.
   *
   * @throws IllegalArgumentException for an unknown device or a negative thread count
   */
  public EngineSettings engineSettings() {
    return new EngineSettings(device, intraOpThreads, interOpThreads);
  }

  /**
   * The engine call limits: those given, the others derived from the device where the model
   * runs.
   *
   * @throws IllegalArgumentException for limits below 1
   */
  public BatchSizing sizing() {
    return new BatchSizing(batchSize, maxBatchTokens);
  }

  /**
   * What to load for a model named {@code chosen}, the engine left to its files when auto.
   *
   * @throws IllegalArgumentException for an unknown engine or device
   */
  public ModelSpec spec(String chosen) {
    return new ModelSpec(chosen, task(), engine().map(EngineKind::djlName).orElse(null),
        engineSettings(), revision());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
