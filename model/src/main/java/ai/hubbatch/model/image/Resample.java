package ai.hubbatch.model.image;

import java.util.Locale;

/**
 * Pillow's resampling filters, with the numbers {@code preprocessor_config.json} stores in {@code
 * resample} (PIL's {@code Image.Resampling} values) and each filter's support radius.
 */
public enum Resample {
  NEAREST(0, 0),
  LANCZOS(1, 3),
  BILINEAR(2, 1),
  BICUBIC(3, 2),
  BOX(4, 0.5),
  HAMMING(5, 1);

  private final int pil;
  private final double support;

  Resample(int pil, double support) {
    this.pil = pil;
    this.support = support;
  }

  /** The filter PIL numbers {@code value}. */
  public static Resample fromPil(int value) {
    for (Resample filter : values()) {
      if (filter.pil == value) {
        return filter;
      }
    }
    throw new IllegalArgumentException(
        "resample " + value + " is not a PIL filter (0 nearest .. 5 hamming)");
  }

  /**
   * The filter named as PIL names it, case-insensitively ({@code "bicubic"}, {@code "LANCZOS"}).
   */
  public static Resample fromName(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("resample \"" + name + "\" is not a PIL filter", e);
    }
  }

  public int pil() {
    return pil;
  }

  double support() {
    return support;
  }

  /** The filter's weight at {@code x}, as Pillow's {@code Resample.c} defines it. */
  double weight(double x) {
    switch (this) {
      case BOX:
        return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
      case BILINEAR:
        x = Math.abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
      case HAMMING:
        x = Math.abs(x);
        if (x == 0.0) {
          return 1.0;
        }
        if (x >= 1.0) {
          return 0.0;
        }
        x = x * Math.PI;
        return Math.sin(x) / x * (0.54 + 0.46 * Math.cos(x));
      case BICUBIC:
        // Keys' cubic with a = -0.5
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
          return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
          return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
      case LANCZOS:
        return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
      default:
        throw new IllegalStateException("nearest has no weights");
    }
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    x = x * Math.PI;
    return Math.sin(x) / x;
  }
}
