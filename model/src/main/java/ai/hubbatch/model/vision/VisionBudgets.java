package ai.hubbatch.model.vision;

import ai.hubbatch.model.batch.BatchLimits;

/** Batch limits for an image model on each kind of device; cost is processed pixels. */
final class VisionBudgets {

  /**
   * Images per CPU batch. A CPU engine already spreads one image's operators over the cores, so a
   * batch only saves the per-call overhead: a few images are enough.
   */
  static final int CPU_IMAGES = 4;

  /** Pixels per CPU batch: four 512 x 512 images, one DETR-sized (800 x 1333) image. */
  static final int CPU_PIXELS = 4 * 512 * 512;

  /**
   * Activation bytes per input pixel at the peak of a forward pass, a deliberately high estimate
   * over the models these tasks run (a ViT-B/16 keeps about 250 per pixel, a ResNet-50 backbone
   * about 600): a batch that still runs out of memory is split in halves by the stage.
   */
  static final long GPU_BYTES_PER_PIXEL = 2048;

  /** Share of free GPU memory one batch's activations may take. */
  static final double GPU_MEMORY_SHARE = 0.4;

  static final int GPU_MIN_IMAGES = 8;
  static final int GPU_MAX_IMAGES = 256;
  static final int GPU_MAX_PIXELS = 1 << 26;

  /** Batches a caller may gather: enough to keep the engine fed, few enough to bound memory. */
  static final int GATHERED_BATCHES = 4;

  private VisionBudgets() {}

  static BatchLimits forCpu() {
    return new BatchLimits(CPU_IMAGES, CPU_PIXELS);
  }

  /**
   * On a GPU, throughput grows with the batch until memory runs out: the budget is the pixels a
   * share of the free memory holds.
   */
  static BatchLimits forGpu(long freeBytes) {
    long pixels = (long) (freeBytes * GPU_MEMORY_SHARE / GPU_BYTES_PER_PIXEL);
    int budget = (int) Math.max(CPU_PIXELS, Math.min(GPU_MAX_PIXELS, pixels));
    int images = Math.max(GPU_MIN_IMAGES, Math.min(GPU_MAX_IMAGES, budget / (224 * 224)));
    return new BatchLimits(images, budget);
  }
}
