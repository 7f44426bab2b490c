package ai.hubbatch.model.image;

import java.awt.image.Raster;

/**
 * Turns a JPEG's raw samples into Pillow's RGB: libjpeg's fixed-point YCbCr and YCCK conversions
 * ({@code jdcolor.c}: 16 fraction bits, the constants 1.402, 0.34414, 0.71414, 1.772), then for
 * four components Pillow's steps: the samples read as Adobe's inverted CMYK ({@code "CMYK;I"}) and
 * {@code convert("RGB")}'s {@code cmyk2rgb} ({@code nk - nk * c / 255} with its integer rounding).
 *
 * <p>Colour profiles are not applied, as Pillow does not apply them.
 */
final class JpegColors {

  private static final int SCALE_BITS = 16;
  private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
      CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + ONE_HALF;
    }
  }

  private JpegColors() {}

  private static int fix(double x) {
    return (int) (x * (1L << SCALE_BITS) + 0.5);
  }

  static RgbImage toRgb(Raster raster, JpegHeader.ColorSpace space) {
    int width = raster.getWidth();
    int height = raster.getHeight();
    int bands = raster.getNumBands();
    byte[] rgb = new byte[3 * width * height];
    int[] row = new int[width * bands];
    int out = 0;
    for (int y = 0; y < height; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
      for (int x = 0, in = 0; x < width; x++, in += bands) {
        switch (space) {
          case GRAY -> {
            byte v = (byte) row[in];
            rgb[out] = v;
            rgb[out + 1] = v;
            rgb[out + 2] = v;
          }
          case RGB -> {
            rgb[out] = (byte) row[in];
            rgb[out + 1] = (byte) row[in + 1];
            rgb[out + 2] = (byte) row[in + 2];
          }
          case YCBCR -> {
            int luma = row[in];
            int cb = row[in + 1];
            int cr = row[in + 2];
            rgb[out] = (byte) clip(luma + CR_R[cr]);
            rgb[out + 1] = (byte) clip(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
            rgb[out + 2] = (byte) clip(luma + CB_B[cb]);
          }
          case CMYK -> cmykToRgb(row[in], row[in + 1], row[in + 2], row[in + 3], rgb, out);
          default -> { // YCCK
            int luma = row[in];
            int cb = row[in + 1];
            int cr = row[in + 2];
            // libjpeg's ycck_cmyk_convert: the inverse of the YCbCr-coded CMY, K unchanged
            int c = clip(255 - (luma + CR_R[cr]));
            int m = clip(255 - (luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS)));
            int yellow = clip(255 - (luma + CB_B[cb]));
            cmykToRgb(c, m, yellow, row[in + 3], rgb, out);
          }
        }
        out += 3;
      }
    }
    return new RgbImage(width, height, rgb);
  }

  /** Stored (Adobe-inverted) CMYK samples to Pillow's RGB. */
  private static void cmykToRgb(int c, int m, int y, int k, byte[] rgb, int out) {
    int notBlack = k; // 255 - (255 - k): Pillow inverts the stored K, then takes 255 - K
    rgb[out] = (byte) clip(notBlack - mulDiv255(255 - c, notBlack));
    rgb[out + 1] = (byte) clip(notBlack - mulDiv255(255 - m, notBlack));
    rgb[out + 2] = (byte) clip(notBlack - mulDiv255(255 - y, notBlack));
  }

  /** {@code a * b / 255} rounded as Pillow's MULDIV255 rounds it. */
  private static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  private static int clip(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
