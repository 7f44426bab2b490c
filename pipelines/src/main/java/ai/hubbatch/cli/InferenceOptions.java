package ai.hubbatch.cli;

import ai.hubbatch.model.codec.MediaLimits;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.WeightsRequest;
import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.source.DefaultModel;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The model, engine and batch options that {@code run}, {@code transform}, {@code serve} and {@code
 * bench-serve} share, as a picocli mixin ({@code @Mixin InferenceOptions inference}), so each has
 * the same names, defaults and environment variables.
 */
public final class InferenceOptions {

  @Option(
      names = "--model",
      description =
          "Hub model id (org/name), model folder, or model.tar.gz (path or URI such "
              + "as s3://...); default $HF_MODEL_ID, else $SM_MODEL_DIR, else /opt/ml/model "
              + "($SAGEMAKER_BASE_DIR/model) when it holds files, else "
              + DefaultModel.ID
              + ", bundled.")
  String model;

  @Option(
      names = "--revision",
      defaultValue = "${sys:HF_MODEL_REVISION:-${env:HF_MODEL_REVISION}}",
      description = "Branch, tag or commit of a Hub model (env HF_MODEL_REVISION); default main.")
  String revision;

  @Option(
      names = "--task",
      defaultValue = "${sys:HF_TASK:-${env:HF_TASK}}",
      description = "Task name (env HF_TASK); inferred from the model when unset.")
  String task;

  @Option(
      names = "--engine",
      defaultValue = "auto",
      description = "auto (TorchScript if the model has it, else ONNX), pytorch or onnxruntime.")
  String engine;

  @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto.")
  String device;

  @Option(
      names = "--dtype",
      defaultValue = "${sys:HF_DTYPE:-${env:HF_DTYPE:-auto}}",
      description =
          "Precision of the ONNX weights (env HF_DTYPE): auto (default: fp32 on a CPU, fp16 on a"
              + " GPU when the model has it), fp32, fp16, q8 (model_quantized.onnx), int8, uint8,"
              + " q4, q4f16 or bnb4, as the Hub's ONNX exports and transformers.js name them.")
  String dtype;

  @Option(
      names = "--trust-model-code",
      description =
          "Run the model's own code: the jars in its code/ folder, which provide or wrap tasks"
              + " (also env HF_TRUST_REMOTE_CODE=true). A model that carries code is refused"
              + " without it.")
  boolean trustModelCode;

  @Option(
      names = "--max-image-pixels",
      defaultValue = "${sys:HUBBATCH_MAX_IMAGE_PIXELS:-${env:HUBBATCH_MAX_IMAGE_PIXELS}}",
      description =
          "Images declaring more pixels (width x height) are refused before they are decoded, as"
              + " decompression bombs (env HUBBATCH_MAX_IMAGE_PIXELS); default 89478485, Pillow's"
              + " limit.")
  Long maxImagePixels;

  @Mixin BatchOptions batch = new BatchOptions();

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
   * Whether the model's code may run: {@code --trust-model-code}, or {@code HF_TRUST_REMOTE_CODE}
   * set to {@code true} (or {@code 1}).
   *
   * @throws IllegalArgumentException for an {@code HF_TRUST_REMOTE_CODE} that is not a boolean
   */
  public boolean trustModelCode() {
    if (trustModelCode) {
      return true;
    }
    String name = "HF_TRUST_REMOTE_CODE";
    String value = System.getProperty(name, System.getenv(name));
    if (value == null || value.isBlank()) {
      return false;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw new ConfigurationException(
              name + "=" + value + " is not a boolean: set it to true or false");
    };
  }

  /**
   * The engine asked for, or empty for auto.
   *
   * @throws IllegalArgumentException for an unknown engine name
   */
  public Optional<EngineKind> engine() {
    return engine.equalsIgnoreCase("auto")
        ? Optional.empty()
        : Optional.of(EngineKind.parse(engine));
  }

  /**
   * The dtype asked for.
   *
   * @throws IllegalArgumentException for an unknown dtype
   */
  public Dtype dtype() {
    return Dtype.parse(dtype);
  }

  /**
   * The engine and dtype asked for, on this device.
   *
   * @throws IllegalArgumentException for an unknown engine, dtype or device
   */
  public WeightsRequest weights() {
    return new WeightsRequest(engine(), dtype(), engineSettings());
  }

  /**
   * Device and thread pools.
   *
   * @throws IllegalArgumentException for an unknown device or a negative thread count
   */
  public EngineSettings engineSettings() {
    return batch.engineSettings(device);
  }

  /** The engine call limits: see {@link BatchOptions#sizing()}. */
  public BatchSizing sizing() {
    return batch.sizing();
  }

  /**
   * What media inputs may be: the image pixel limit given, else the default.
   *
   * @throws IllegalArgumentException for a limit below 1
   */
  public MediaLimits mediaLimits() {
    return maxImagePixels == null
        ? MediaLimits.defaults()
        : MediaLimits.defaults().withMaxImagePixels(maxImagePixels);
  }

  /**
   * What to load for a model named {@code chosen}, the engine left to its files when auto and the
   * dtype resolved when the model loads.
   *
   * @throws IllegalArgumentException for an unknown engine, dtype or device, or an {@code
   *     HF_TRUST_REMOTE_CODE} that is not a boolean
   */
  public ModelSpec spec(String chosen) {
    return new ModelSpec(
        chosen,
        task(),
        engine().map(EngineKind::djlName).orElse(null),
        engineSettings(),
        revision(),
        dtype(),
        mediaLimits(),
        trustModelCode());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
