package ai.hubbatch.model.image;

/**
 * torch's {@code interpolate(mode="bilinear", align_corners=False)} of a {@code [channels, height,
 * width]} map, evaluated one output pixel at a time. Per axis, as torch computes it on the CPU:
 * {@code scale = (float) in / out}, the source position {@code scale * (i + 0.5) - 0.5} in double
 * (not below 0), its integer part and the next index (the last index repeats), the fraction as a
 * float weight and {@code 1 - weight}; the value mixes the two columns of each of the two rows,
 * then the rows, in float32. (torch's kernel may fuse some multiply-adds differently, so values can
 * differ in the last bit; see {@link SemanticSegmentation}.)
 */
final class BilinearUpsampler {

  private final float[] map;
  private final int channels;
  private final int inHeight;
  private final int inWidth;
  private final Axis rows;
  private final Axis columns;

  BilinearUpsampler(
      float[] map, int channels, int inHeight, int inWidth, int outHeight, int outWidth) {
    if (map.length != channels * inHeight * inWidth) {
      throw new IllegalArgumentException(
          map.length + " values for a " + channels + "x" + inHeight + "x" + inWidth + " map");
    }
    this.map = map;
    this.channels = channels;
    this.inHeight = inHeight;
    this.inWidth = inWidth;
    this.rows = new Axis(inHeight, outHeight);
    this.columns = new Axis(inWidth, outWidth);
  }

  int channels() {
    return channels;
  }

  /** The interpolated values of every channel at output pixel (x, y), into {@code out}. */
  void valuesAt(int x, int y, float[] out) {
    int top = rows.first[y];
    int bottom = rows.second[y];
    int left = columns.first[x];
    int right = columns.second[x];
    float h0 = rows.firstWeight[y];
    float h1 = rows.secondWeight[y];
    float w0 = columns.firstWeight[x];
    float w1 = columns.secondWeight[x];
    int plane = inHeight * inWidth;
    for (int c = 0; c < channels; c++) {
      int base = c * plane;
      float upper = map[base + top * inWidth + left] * w0 + map[base + top * inWidth + right] * w1;
      float lower =
          map[base + bottom * inWidth + left] * w0 + map[base + bottom * inWidth + right] * w1;
      out[c] = upper * h0 + lower * h1;
    }
  }

  /** One axis' source indices and weights. */
  private static final class Axis {
    final int[] first;
    final int[] second;
    final float[] firstWeight;
    final float[] secondWeight;

    Axis(int in, int out) {
      first = new int[out];
      second = new int[out];
      firstWeight = new float[out];
      secondWeight = new float[out];
      float scale = (float) in / out;
      for (int i = 0; i < out; i++) {
        double source = Math.max(scale * (i + 0.5) - 0.5, 0.0);
        int index = (int) source;
        float lambda = (float) (source - index);
        first[i] = index;
        second[i] = index < in - 1 ? index + 1 : index;
        secondWeight[i] = lambda;
        firstWeight[i] = 1f - lambda;
      }
    }
  }
}
