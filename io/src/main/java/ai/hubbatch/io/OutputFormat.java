package ai.hubbatch.io;

import java.util.Locale;

/** How a job writes its outputs. */
public enum OutputFormat {
  /** One JSON value per line, in {@code <input name>.out} (SageMaker Batch Transform's name). */
  JSONL(".out"),
  /** Parquet rows with the source file and line, in {@code <input name>.parquet}. */
  PARQUET(".parquet");

  private final String suffix;

  OutputFormat(String suffix) {
    this.suffix = suffix;
  }

  /** What is appended to the input's relative name to name its output. */
  public String suffix() {
    return suffix;
  }

  public static OutputFormat parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Unknown format '" + name + "': use jsonl or parquet");
    }
  }
}
