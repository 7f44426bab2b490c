package ai.hubbatch.model.image;

import java.util.List;

/**
 * Processed images stacked as a model takes them: {@code pixel_values [batch, 3, height, width]}
 * and, for processors that pad (DETR), {@code pixel_mask [batch, height, width]}, 1 over each
 * image's own pixels and 0 over the padding at its bottom and right.
 *
 * @param pixelValues {@code batch * 3 * height * width} float32 values
 * @param pixelMask {@code batch * height * width} 0/1 values, or null when the processor gives no
 *     mask
 * @param images the images in batch order, with their own sizes and original sizes
 */
public record PixelBatch(
    float[] pixelValues, long[] pixelMask, int height, int width, List<ProcessedImage> images) {

  public PixelBatch {
    images = List.copyOf(images);
  }

  public int size() {
    return images.size();
  }

  /** The {@code pixel_values} shape: {@code [batch, 3, height, width]}. */
  public long[] shape() {
    return new long[] {images.size(), 3, height, width};
  }
}
