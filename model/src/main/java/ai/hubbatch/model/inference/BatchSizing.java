package ai.hubbatch.model.inference;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.Locale;

/**
 * The batch limits a job asked for, where an unset limit is derived from the device the model runs
 * on and the model's size. Workers resolve it themselves, so a GPU worker sizes its batches for its
 * GPU even when the launcher has none.
 *
 * @param maxSequences sequences per batch, or null to derive
 * @param maxPaddedTokens padded tokens per batch, or null to derive
 */
public record BatchSizing(Integer maxSequences, Integer maxPaddedTokens) implements Serializable {

  /** Tokens per CPU core per batch: enough to amortise a call, short enough to keep latency. */
  static final int CPU_TOKENS_PER_CORE = 4096;

  /**
   * Sequences per CPU batch. Few, because on a CPU padding costs what real tokens cost and a call
   * of eight sequences already keeps the cores busy: on the bench input (2 cores, ONNX Runtime)
   * batches of 8 padded 1% of tokens and ran 1.13x the records/s of batches of 32, which padded 5%,
   * with 0.7x the peak memory.
   */
  static final int CPU_SEQUENCES = 8;

  static final int GPU_MIN_SEQUENCES = 32;

  /** Share of free GPU memory one batch's activations may take. */
  static final double GPU_MEMORY_SHARE = 0.4;

  static final int GPU_MAX_TOKENS = 1 << 18;
  static final int GPU_MAX_SEQUENCES = 512;

  public BatchSizing {
    if ((maxSequences != null && maxSequences < 1)
        || (maxPaddedTokens != null && maxPaddedTokens < 1)) {
      throw new IllegalArgumentException("Batch size and token budget must be at least 1");
    }
  }

  /** Both limits as given. */
  public static BatchSizing of(BatchLimits limits) {
    return new BatchSizing(limits.maxSequences(), limits.maxPaddedTokens());
  }

  /** Both limits derived. */
  public static BatchSizing auto() {
    return new BatchSizing(null, null);
  }

  /** The limits for this model on its device, the job's own where it set them. */
  public BatchLimits resolve(LoadedModel model) {
    BatchLimits derived = derive(model);
    return new BatchLimits(
        maxSequences != null ? maxSequences : derived.maxSequences(),
        maxPaddedTokens != null ? maxPaddedTokens : derived.maxPaddedTokens());
  }

  /** One line for the start of a job: the limits and where they came from. */
  public String describe(LoadedModel model) {
    BatchLimits limits = resolve(model);
    String source =
        maxSequences != null && maxPaddedTokens != null
            ? "as given"
            : reason(model)
                + (maxSequences != null || maxPaddedTokens != null
                    ? ", with the options given"
                    : "");
    return String.format(
        Locale.ROOT,
        "batches of up to %d sequences and %d padded tokens (%s)",
        limits.maxSequences(),
        limits.maxPaddedTokens(),
        source);
  }

  private static BatchLimits derive(LoadedModel model) {
    JsonNode neuron = model.folder().config().path("neuron");
    if (neuron.path("static_batch_size").isInt()) {
      return forStaticShapes(neuron);
    }
    Device device = model.encoder().device();
    if (device.isGpu()) {
      long total = CudaUtils.getGpuMemory(device).getMax();
      long used = CudaUtils.getGpuMemory(device).getUsed();
      return forGpu(model.folder(), total - used, model.tokenizer().maxLength());
    }
    return forCpu(Runtime.getRuntime().availableProcessors());
  }

  private static String reason(LoadedModel model) {
    if (model.folder().config().path("neuron").path("static_batch_size").isInt()) {
      return "the model's compiled Neuron shapes";
    }
    Device device = model.encoder().device();
    if (device.isGpu()) {
      return "sized for the free memory of " + device;
    }
    return "sized for " + Runtime.getRuntime().availableProcessors() + " CPU cores";
  }

  /**
   * On a CPU the engine parallelises each operator over the cores, so larger batches do not raise
   * throughput and their padding lowers it; the budget grows with the cores so each call has work
   * for all of them.
   */
  static BatchLimits forCpu(int cores) {
    int tokens = Math.max(2, Math.min(cores, 8)) * CPU_TOKENS_PER_CORE;
    return new BatchLimits(CPU_SEQUENCES, tokens);
  }

  /**
   * On a GPU throughput grows with the batch until memory runs out, so the budget is what a share
   * of the free memory holds: per token, fp32 activations of the widest layers (hidden states,
   * attention projections, the feed-forward block) and one row of attention scores per head.
   */
  static BatchLimits forGpu(ModelFolder folder, long freeBytes, int maxLength) {
    JsonNode config = folder.config();
    long hidden = config.path("hidden_size").asLong(768);
    long intermediate = config.path("intermediate_size").asLong(4 * hidden);
    long heads = config.path("num_attention_heads").asLong(12);
    long bytesPerToken = 4 * (10 * hidden + 2 * intermediate + heads * maxLength);
    long tokens = (long) (freeBytes * GPU_MEMORY_SHARE / bytesPerToken);
    int budget = (int) Math.max(CPU_TOKENS_PER_CORE, Math.min(GPU_MAX_TOKENS, tokens));
    int sequences = Math.max(GPU_MIN_SEQUENCES, Math.min(GPU_MAX_SEQUENCES, budget / 64));
    return new BatchLimits(sequences, budget);
  }

  /** A model compiled for Inferentia runs only the shapes it was compiled for. */
  static BatchLimits forStaticShapes(JsonNode neuron) {
    int batch = neuron.get("static_batch_size").asInt();
    int length = neuron.path("static_sequence_length").asInt(512);
    return new BatchLimits(batch, batch * length);
  }
}
