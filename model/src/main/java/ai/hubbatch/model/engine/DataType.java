package ai.hubbatch.model.engine;

/** Element types of the tensors hubbatch feeds to and reads from models. */
public enum DataType {
  FLOAT32(4),
  /** IEEE half precision, as {@code model_fp16.onnx} exports take and give. */
  FLOAT16(2),
  INT64(8),
  INT32(4),
  BOOL(1),
  /** Anything else a graph may declare; hubbatch neither feeds nor reads it. */
  OTHER(0);

  private final int bytes;

  DataType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element; 0 for {@link #OTHER}. */
  public int bytes() {
    return bytes;
  }
}
