package ai.hubbatch.model.engine;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.source.ModelFolder;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weights a user asks for: an engine or any, a dtype or {@link Dtype#AUTO}, and where the
 * engine runs. {@link #choose} resolves it against a folder or a Hub listing to the {@link Weights}
 * to load, the same way wherever it is called, so a Hub download and the load that follows pick the
 * same files.
 *
 * <p>{@code auto} is fp32, except where ONNX Runtime runs on a GPU and the model has fp16 weights.
 * A dtype the model lacks is an error listing the dtypes it has. TorchScript has no dtype variants.
 *
 * @param engine the engine asked for, or empty to pick it from the files ({@link
 *     EngineKind#select}, except that a dtype other than auto and fp32 picks ONNX when there are
 *     ONNX weights)
 * @param dtype the dtype asked for
 * @param settings the device the engine runs on, which {@code auto} depends on
 */
public record WeightsRequest(Optional<EngineKind> engine, Dtype dtype, EngineSettings settings) {

  private static final Logger LOG = LoggerFactory.getLogger(WeightsRequest.class);

  /** fp16 weights on a CPU are worth one warning per process, not one per load. */
  private static final AtomicBoolean WARNED_HALF_ON_CPU = new AtomicBoolean();

  /** An engine or any, {@code auto} dtype, default device. */
  public static WeightsRequest of(Optional<EngineKind> engine) {
    return new WeightsRequest(engine, Dtype.AUTO, EngineSettings.defaults());
  }

  public WeightsRequest withDtype(Dtype value) {
    return new WeightsRequest(engine, value, settings);
  }

  public WeightsRequest withSettings(EngineSettings value) {
    return new WeightsRequest(engine, dtype, value);
  }

  /**
   * The weights to load from a model folder.
   *
   * @throws IllegalArgumentException when the folder has no weights the engine runs, or none of the
   *     dtype, naming what it has
   */
  public Weights choose(ModelFolder folder) {
    return choose(folder.listFiles(), folder.displayName());
  }

  /**
   * The weights to load from a repository's files.
   *
   * @param files the files, relative and {@code /}-separated
   * @param model the model's name, for messages
   * @throws IllegalArgumentException when the files hold no weights the engine runs, or none of the
   *     dtype, naming what they hold
   */
  public Weights choose(Collection<String> files, String model) {
    return choose(files, model, this::onGpu);
  }

  /** {@link #choose(Collection, String)}, where {@code gpu} says whether ONNX Runtime has one. */
  Weights choose(Collection<String> files, String model, BooleanSupplier gpu) {
    boolean variant = dtype != Dtype.AUTO && dtype != Dtype.FP32;
    EngineKind kind =
        engine.isEmpty() && variant && !EngineKind.ONNX_RUNTIME.dtypes(files).isEmpty()
            ? EngineKind.ONNX_RUNTIME
            : EngineKind.select(files, engine, model);
    if (kind == EngineKind.PYTORCH) {
      if (variant) {
        throw new ConfigurationException(
            "The model "
                + model
                + " has TorchScript weights, which come in fp32 only: --dtype "
                + dtype.label()
                + " needs ONNX weights ("
                + dtype.file("onnx/model.onnx")
                + " as the Hub's ONNX exports name them). Use --dtype auto or fp32, or a model"
                + " that has them (many have an ONNX mirror under onnx-community/ or Xenova/).");
      }
      return new Weights(kind, Dtype.FP32, kind.weightFiles(files, Dtype.FP32));
    }
    Set<Dtype> offered = kind.dtypes(files);
    Dtype resolved = dtype == Dtype.AUTO ? auto(offered, model, gpu) : dtype;
    if (!offered.contains(resolved)) {
      throw missing(files, kind, offered, resolved, model);
    }
    Weights weights = new Weights(kind, resolved, kind.weightFiles(files, resolved));
    if ((resolved == Dtype.FP16 || resolved == Dtype.Q4F16)
        && !gpu.getAsBoolean()
        && WARNED_HALF_ON_CPU.compareAndSet(false, true)) {
      LOG.warn(
          "{} holds half-precision weights, which ONNX Runtime runs slower than fp32 on a CPU;"
              + " running them as asked",
          weights.main());
    }
    return weights;
  }

  /** fp16 on a GPU that has them, else fp32. */
  private static Dtype auto(Set<Dtype> offered, String model, BooleanSupplier gpu) {
    if (gpu.getAsBoolean()) {
      if (offered.contains(Dtype.FP16)) {
        return Dtype.FP16;
      }
      LOG.info("{} has no fp16 weights: running fp32 on the GPU", model);
    }
    return Dtype.FP32;
  }

  /** Whether ONNX Runtime would run on a GPU: asked for or auto, and CUDA is there. */
  private boolean onGpu() {
    return !settings.device().equals("cpu") && OrtNetwork.cudaAvailable();
  }

  private static IllegalArgumentException missing(
      Collection<String> files, EngineKind kind, Set<Dtype> offered, Dtype wanted, String model) {
    String has =
        offered.stream()
            .map(d -> d.label() + " (" + kind.weightFiles(files, d).get(0) + ")")
            .collect(Collectors.joining(", "));
    List<String> sample = kind.weightFiles(files, offered.iterator().next());
    return new ConfigurationException(
        "The model "
            + model
            + " has no "
            + wanted.label()
            + " weights ("
            + wanted.file(Dtype.base(sample.get(0)))
            + "). It has "
            + has
            + ". Choose one of "
            + offered.stream().map(Dtype::label).collect(Collectors.joining(", "))
            + " with --dtype (HF_DTYPE), or a repository that holds more variants (the Hub's"
            + " onnx-community/ and Xenova/ exports usually do).");
  }
}
