package ai.hubbatch.model.image;

/**
 * One image after its processor: {@code pixel_values} as float32 in channel-first order ({@code [3,
 * height, width]}), with what post-processing needs: the upright original size (boxes and masks are
 * scaled back to it) and the processed size.
 *
 * @param pixelValues the {@code 3 * height * width} values, channel by channel, row by row; not
 *     copied, so not to be changed
 * @param height the processed height
 * @param width the processed width
 * @param originalHeight the decoded (upright) image's height
 * @param originalWidth the decoded (upright) image's width
 */
public record ProcessedImage(
    float[] pixelValues, int height, int width, int originalHeight, int originalWidth) {

  public ProcessedImage {
    if (pixelValues.length != 3 * height * width) {
      throw new IllegalArgumentException(
          pixelValues.length + " values for a 3x" + height + "x" + width + " image");
    }
  }
}
