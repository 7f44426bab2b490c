package ai.hubbatch.model.image;

import java.util.Arrays;

/**
 * An 8-bit RGB raster: what Pillow holds after {@code convert("RGB")}. Pixels are row-major, each
 * as three bytes R, G, B. Immutable: the factory and {@link #toBytes()} copy.
 */
public final class RgbImage {

  private final int width;
  private final int height;
  private final byte[] rgb;

  /** Takes ownership of {@code rgb}: for this package's code, which never changes it after. */
  RgbImage(int width, int height, byte[] rgb) {
    if (width < 1 || height < 1 || rgb.length != 3L * width * height) {
      throw new IllegalArgumentException(
          "an RGB image of " + width + "x" + height + " needs " + 3L * width * height + " bytes");
    }
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /** An image from interleaved R, G, B bytes, row by row ({@code 3 * width * height} of them). */
  public static RgbImage of(int width, int height, byte[] rgb) {
    return new RgbImage(width, height, rgb.clone());
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The value 0..255 of one channel (0 red, 1 green, 2 blue) of the pixel at (x, y). */
  public int get(int x, int y, int channel) {
    return rgb[(y * width + x) * 3 + channel] & 0xFF;
  }

  /** A copy of the pixels, interleaved R, G, B, row by row. */
  public byte[] toBytes() {
    return rgb.clone();
  }

  /** The pixels without a copy, for this package's code, which only reads them. */
  byte[] data() {
    return rgb;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RgbImage image
        && image.width == width
        && image.height == height
        && Arrays.equals(image.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
