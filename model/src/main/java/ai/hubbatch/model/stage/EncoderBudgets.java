package ai.hubbatch.model.stage;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;

/** Batch limits for a text encoder on each kind of device. */
public final class EncoderBudgets {

  /** Tokens per CPU core per batch: enough to amortise a call, short enough to keep latency. */
  static final int CPU_TOKENS_PER_CORE = 4096;

  /**
   * Sequences per CPU batch. Few, because on a CPU padding costs what real tokens cost and a call
   * of eight sequences already keeps the cores busy (the figures are in docs/throughput.md).
   */
  static final int CPU_SEQUENCES = 8;

  static final int GPU_MIN_SEQUENCES = 32;

  /** Share of free GPU memory one batch's activations may take. */
  static final double GPU_MEMORY_SHARE = 0.4;

  static final int GPU_MAX_TOKENS = 1 << 18;
  static final int GPU_MAX_SEQUENCES = 512;

  private EncoderBudgets() {}

  /**
   * On a CPU the engine parallelises each operator over the cores, so larger batches do not raise
   * throughput and their padding lowers it; the budget grows with the cores so each call has work
   * for all of them.
   */
  public static BatchLimits forCpu(int cores) {
    int tokens = Math.max(2, Math.min(cores, 8)) * CPU_TOKENS_PER_CORE;
    return new BatchLimits(CPU_SEQUENCES, tokens);
  }

  /**
   * On a GPU throughput grows with the batch until memory runs out, so the budget is what a share
   * of the free memory holds: per token, fp32 activations of the widest layers (hidden states,
   * attention projections, the feed-forward block) and one row of attention scores per head.
   */
  public static BatchLimits forGpu(ModelFolder folder, long freeBytes, int maxLength) {
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
  public static BatchLimits forStaticShapes(JsonNode neuron) {
    int batch = neuron.get("static_batch_size").asInt();
    int length = neuron.path("static_sequence_length").asInt(512);
    return new BatchLimits(batch, batch * length);
  }
}
