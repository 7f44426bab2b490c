package ai.hubbatch.io;

/**
 * How an input object is cut into records, as SageMaker's {@code TransformInput.SplitType}. Records
 * are numbered from 1 in each object; line-split records are named by their line, the others by
 * their byte offset in the (decompressed) object.
 */
public enum SplitType {
  /** The whole object is one record. */
  NONE("None"),
  /** Each line is a record ({@code \n}, an optional {@code \r} before it dropped). */
  LINE("Line"),
  /** MXNet RecordIO frames, multi-part records joined as MXNet writes them. */
  RECORD_IO("RecordIO"),
  /** TensorFlow TFRecord frames, CRC-checked. */
  TF_RECORD("TFRecord");

  private final String sageMakerName;

  SplitType(String sageMakerName) {
    this.sageMakerName = sageMakerName;
  }

  /** The name SageMaker's API uses. */
  public String sageMakerName() {
    return sageMakerName;
  }

  /** Whether records are named by line number rather than byte offset. */
  public boolean byLine() {
    return this == LINE;
  }

  /** Parses SageMaker's names, in any case. */
  public static SplitType parse(String name) {
    for (SplitType type : values()) {
      if (type.sageMakerName.equalsIgnoreCase(name.trim())
          || type.name().equalsIgnoreCase(name.trim())) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "Unknown split type '" + name + "': use None, Line, RecordIO or TFRecord");
  }

  @Override
  public String toString() {
    return sageMakerName;
  }
}
