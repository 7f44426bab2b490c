package ai.hubbatch.report;

import java.util.Locale;

/** How the report writes numbers: the same way everywhere, whatever the machine's locale. */
final class Format {

  private Format() {}

  /** A count with thousands separators: {@code 12,345}. */
  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** A number with {@code digits} decimals and thousands separators. */
  static String decimal(double value, int digits) {
    return String.format(Locale.ROOT, "%,." + digits + "f", value);
  }

  /** Seconds, with as many decimals as a reader needs. */
  static String seconds(double seconds) {
    return seconds < 10 ? decimal(seconds, 2) + " s" : decimal(seconds, 1) + " s";
  }

  /** Milliseconds from microseconds. */
  static String millis(double micros) {
    return decimal(micros / 1000, 1) + " ms";
  }

  /** Mebibytes from bytes. */
  static String megabytes(long bytes) {
    return count(Math.round(bytes / (1024.0 * 1024.0))) + " MB";
  }
}
