package ai.hubbatch.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;

/**
 * transformers' {@code ImageSegmentationPipeline} for semantic segmenters (Segformer's {@code
 * post_process_semantic_segmentation}): the {@code [labels, h, w]} logits upsampled bilinearly to
 * the original image's size ({@link BilinearUpsampler}, torch's arithmetic), the best label of each
 * pixel (the first on ties), and one mask per label present, in label order, with a null score.
 *
 * <p>Guarantee: the label of a pixel is the pipeline's wherever the two best upsampled logits are
 * more than a few float32 rounding steps apart (torch may round its multiply-adds differently in
 * the last bit); the tests count no other difference.
 */
public final class SemanticSegmentation {

  private SemanticSegmentation() {}

  /**
   * The masks of one image.
   *
   * @param logits {@code [labelCount, height, width]}, channel by channel
   * @param labelCount the number of labels, the logits' first dimension
   * @param height the logits' height (a quarter of the model's input for Segformer)
   * @param width the logits' width
   * @param labels {@code id2label}
   * @param originalHeight the upright original image's height, the masks' height
   * @param originalWidth the upright original image's width, the masks' width
   */
  public static List<LabelMask> postprocess(
      float[] logits,
      int labelCount,
      int height,
      int width,
      IntFunction<String> labels,
      int originalHeight,
      int originalWidth) {
    int[] map = labelMap(logits, labelCount, height, width, originalHeight, originalWidth);
    boolean[] present = new boolean[labelCount];
    for (int label : map) {
      present[label] = true;
    }
    List<LabelMask> masks = new ArrayList<>();
    for (int label = 0; label < labelCount; label++) {
      if (present[label]) {
        masks.add(
            new LabelMask(
                null, labels.apply(label), maskPng(map, label, originalWidth, originalHeight)));
      }
    }
    return List.copyOf(masks);
  }

  /** The best label of each pixel of the upsampled logits, row by row. */
  static int[] labelMap(
      float[] logits, int labelCount, int height, int width, int outHeight, int outWidth) {
    BilinearUpsampler upsampler =
        new BilinearUpsampler(logits, labelCount, height, width, outHeight, outWidth);
    int[] map = new int[outHeight * outWidth];
    float[] values = new float[labelCount];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        upsampler.valuesAt(x, y, values);
        int best = 0;
        for (int c = 1; c < labelCount; c++) {
          if (values[c] > values[best]) {
            best = c;
          }
        }
        map[y * outWidth + x] = best;
      }
    }
    return map;
  }

  /** A mode L PNG: 255 where the map has {@code label}, 0 elsewhere. */
  static byte[] maskPng(int[] map, int label, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        row[x] = map[y * width + x] == label ? 255 : 0;
      }
      raster.setSamples(0, y, width, 1, 0, row);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", png)) {
        throw new IllegalStateException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png.toByteArray();
  }
}
