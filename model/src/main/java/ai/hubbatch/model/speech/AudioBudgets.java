package ai.hubbatch.model.speech;

import ai.hubbatch.model.batch.BatchLimits;

/** Batch limits for a model over raw samples (wav2vec2 style); cost is padded samples. */
final class AudioBudgets {

  /** Windows per CPU batch: a CPU engine spreads one window's operators over the cores already. */
  static final int CPU_WINDOWS = 4;

  /** Samples per CPU batch: four 30 s windows at 16 kHz. */
  static final int CPU_SAMPLES = 4 * 30 * 16_000;

  /**
   * Activation bytes per input sample at the peak of a forward pass, a deliberately high estimate:
   * wav2vec2's first convolution keeps 512 channels for every fifth sample in float (about 400
   * bytes per sample), the transformer far less per sample. A batch that still runs out of memory
   * is split in halves by the stage.
   */
  static final long GPU_BYTES_PER_SAMPLE = 1024;

  /** Share of free GPU memory one batch's activations may take. */
  static final double GPU_MEMORY_SHARE = 0.4;

  static final int GPU_MIN_WINDOWS = 8;
  static final int GPU_MAX_WINDOWS = 256;
  static final int GPU_MAX_SAMPLES = 1 << 25;

  /** Batches' worth of windows waiting in a runner before the fullest group runs. */
  static final int HELD_BATCHES = 4;

  private AudioBudgets() {}

  static BatchLimits forCpu() {
    return new BatchLimits(CPU_WINDOWS, CPU_SAMPLES);
  }

  /** On a GPU, the samples a share of the free memory holds. */
  static BatchLimits forGpu(long freeBytes) {
    long samples = (long) (freeBytes * GPU_MEMORY_SHARE / GPU_BYTES_PER_SAMPLE);
    int budget = (int) Math.max(CPU_SAMPLES, Math.min(GPU_MAX_SAMPLES, samples));
    int windows = Math.max(GPU_MIN_WINDOWS, Math.min(GPU_MAX_WINDOWS, budget / (30 * 16_000)));
    return new BatchLimits(windows, budget);
  }
}
