package ai.hubbatch.model.image;

/**
 * Pillow's {@code Image.resize(size, resample)} of an 8-bit RGB image, to the same pixels.
 *
 * <p>Written from the description of Pillow's separable resampling ({@code Resample.c}): per axis,
 * {@code scale = in / out}, the filter's support widened by {@code max(scale, 1)} when shrinking,
 * for each output pixel the input window around {@code (x + 0.5) * scale}, the filter's weights
 * normalised to sum 1 and turned into 22-bit fixed point (rounded half away from zero), sums
 * started at one half and shifted back, clipped to 0..255. The horizontal pass runs first, over
 * only the rows the vertical pass reads, and each pass rounds to 8 bits; an axis whose size does
 * not change is not filtered. {@link Resample#NEAREST} is Pillow's affine scaling instead: the
 * source index {@code (int) (a / 2 + x * a)} accumulated in double, {@code a = in / out}.
 */
public final class PillowResize {

  private static final int PRECISION_BITS = 32 - 8 - 2;

  private PillowResize() {}

  /** {@code image} resized to {@code width} x {@code height} with {@code filter}. */
  public static RgbImage resize(RgbImage image, int width, int height, Resample filter) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("cannot resize to " + width + "x" + height);
    }
    if (width == image.width() && height == image.height()) {
      return image;
    }
    if (filter == Resample.NEAREST) {
      return nearest(image, width, height);
    }
    boolean horizontal = width != image.width();
    boolean vertical = height != image.height();
    Weights columns = horizontal ? new Weights(image.width(), width, filter) : null;
    Weights rows = vertical ? new Weights(image.height(), height, filter) : null;
    if (!vertical) {
      return horizontalPass(image, columns, 0, image.height());
    }
    int first = rows.first();
    int last = rows.last();
    RgbImage source = horizontal ? horizontalPass(image, columns, first, last) : image;
    return verticalPass(source, rows, horizontal ? first : 0, width);
  }

  /** The horizontal pass over input rows {@code [fromRow, toRow)}. */
  private static RgbImage horizontalPass(RgbImage image, Weights columns, int fromRow, int toRow) {
    byte[] in = image.data();
    int inWidth = image.width();
    int outWidth = columns.size();
    int rowsOut = toRow - fromRow;
    byte[] out = new byte[3 * outWidth * rowsOut];
    for (int y = 0; y < rowsOut; y++) {
      int rowStart = (fromRow + y) * inWidth;
      for (int x = 0; x < outWidth; x++) {
        int start = columns.start[x];
        int count = columns.count[x];
        int k = x * columns.kernelSize;
        int r = 1 << (PRECISION_BITS - 1);
        int g = r;
        int b = r;
        for (int i = 0; i < count; i++) {
          int weight = columns.fixed[k + i];
          int p = (rowStart + start + i) * 3;
          r += (in[p] & 0xFF) * weight;
          g += (in[p + 1] & 0xFF) * weight;
          b += (in[p + 2] & 0xFF) * weight;
        }
        int o = (y * outWidth + x) * 3;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
    return new RgbImage(outWidth, rowsOut, out);
  }

  /** The vertical pass; the source's row 0 is input row {@code offset} of the weights. */
  private static RgbImage verticalPass(RgbImage image, Weights rows, int offset, int width) {
    byte[] in = image.data();
    int outHeight = rows.size();
    byte[] out = new byte[3 * width * outHeight];
    for (int y = 0; y < outHeight; y++) {
      int start = rows.start[y] - offset;
      int count = rows.count[y];
      int k = y * rows.kernelSize;
      for (int x = 0; x < width; x++) {
        int r = 1 << (PRECISION_BITS - 1);
        int g = r;
        int b = r;
        for (int i = 0; i < count; i++) {
          int weight = rows.fixed[k + i];
          int p = ((start + i) * width + x) * 3;
          r += (in[p] & 0xFF) * weight;
          g += (in[p + 1] & 0xFF) * weight;
          b += (in[p + 2] & 0xFF) * weight;
        }
        int o = (y * width + x) * 3;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
    return new RgbImage(width, outHeight, out);
  }

  private static byte clip8(int sum) {
    int v = sum >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  private static RgbImage nearest(RgbImage image, int width, int height) {
    int[] sourceX = nearestIndexes(image.width(), width);
    int[] sourceY = nearestIndexes(image.height(), height);
    byte[] in = image.data();
    byte[] out = new byte[3 * width * height];
    for (int y = 0; y < height; y++) {
      int row = sourceY[y] * image.width();
      for (int x = 0; x < width; x++) {
        System.arraycopy(in, (row + sourceX[x]) * 3, out, (y * width + x) * 3, 3);
      }
    }
    return new RgbImage(width, height, out);
  }

  /** Pillow's affine scaling: a running source coordinate, truncated. */
  private static int[] nearestIndexes(int in, int out) {
    double step = (double) in / out;
    double position = step * 0.5;
    int[] indexes = new int[out];
    for (int x = 0; x < out; x++) {
      indexes[x] = Math.min(Math.max((int) position, 0), in - 1);
      position += step;
    }
    return indexes;
  }

  /** One axis' input windows and fixed-point weights. */
  private static final class Weights {
    final int kernelSize;
    final int[] start;
    final int[] count;
    final int[] fixed;

    Weights(int in, int out, Resample filter) {
      double scale = (double) in / out;
      double filterScale = Math.max(scale, 1.0);
      double support = filter.support() * filterScale;
      kernelSize = (int) Math.ceil(support) * 2 + 1;
      start = new int[out];
      count = new int[out];
      fixed = new int[out * kernelSize];
      double[] weights = new double[kernelSize];
      double inverse = 1.0 / filterScale;
      for (int x = 0; x < out; x++) {
        double center = (x + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), in) - min;
        double total = 0;
        for (int i = 0; i < max; i++) {
          weights[i] = filter.weight((i + min - center + 0.5) * inverse);
          total += weights[i];
        }
        for (int i = 0; i < max; i++) {
          double w = total != 0.0 ? weights[i] / total : weights[i];
          fixed[x * kernelSize + i] =
              (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
        }
        start[x] = min;
        count[x] = max;
      }
    }

    int size() {
      return start.length;
    }

    /** The first input index any output reads. */
    int first() {
      return start[0];
    }

    /** One past the last input index any output reads. */
    int last() {
      return start[start.length - 1] + count[count.length - 1];
    }
  }
}
