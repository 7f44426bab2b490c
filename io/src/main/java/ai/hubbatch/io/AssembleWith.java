package ai.hubbatch.io;

import java.nio.charset.StandardCharsets;

/** How the outputs of an object's records are joined in its output, as SageMaker's. */
public enum AssembleWith {
  /** Outputs concatenated byte for byte, SageMaker's default. */
  NONE("None", ""),
  /** A newline after every output: one line per record. */
  LINE("Line", "\n");

  private final String sageMakerName;
  private final byte[] separator;

  AssembleWith(String sageMakerName, String separator) {
    this.sageMakerName = sageMakerName;
    this.separator = separator.getBytes(StandardCharsets.UTF_8);
  }

  /** What follows each output. */
  byte[] separator() {
    return separator.clone();
  }

  /** Parses SageMaker's names, in any case. */
  public static AssembleWith parse(String name) {
    for (AssembleWith value : values()) {
      if (value.sageMakerName.equalsIgnoreCase(name.trim())) {
        return value;
      }
    }
    throw new IllegalArgumentException("Unknown AssembleWith '" + name + "': use None or Line");
  }

  @Override
  public String toString() {
    return sageMakerName;
  }
}
