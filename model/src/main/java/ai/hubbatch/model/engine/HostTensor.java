package ai.hubbatch.model.engine;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * A tensor in the Java heap, ready to be fed to a model. Immutable once made: the factories copy
 * nothing, so callers hand over arrays they no longer change.
 */
public final class HostTensor implements Value {

  private final DataType type;
  private final long[] shape;
  private final Buffer data;

  private HostTensor(DataType type, long[] shape, Buffer data) {
    long size = size(shape);
    if (size != data.remaining()) {
      throw new IllegalArgumentException(
          "Shape " + Arrays.toString(shape) + " does not hold " + data.remaining() + " values");
    }
    this.type = type;
    this.shape = shape.clone();
    this.data = data;
  }

  /** int64 values, row-major. */
  public static HostTensor ofLongs(long[] values, long... shape) {
    return new HostTensor(DataType.INT64, shape, LongBuffer.wrap(values));
  }

  /** float32 values, row-major. */
  public static HostTensor ofFloats(float[] values, long... shape) {
    return new HostTensor(DataType.FLOAT32, shape, FloatBuffer.wrap(values));
  }

  /** Booleans, row-major. */
  public static HostTensor ofBooleans(boolean[] values, long... shape) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) (values[i] ? 1 : 0);
    }
    return new HostTensor(DataType.BOOL, shape, ByteBuffer.wrap(bytes));
  }

  /**
   * A tensor with no elements (some dimension is 0), as a decoder's first step takes its empty
   * past.
   */
  public static HostTensor empty(DataType type, long... shape) {
    if (size(shape) != 0) {
      throw new IllegalArgumentException("Not an empty shape: " + Arrays.toString(shape));
    }
    Buffer none =
        switch (type) {
          case INT64 -> LongBuffer.allocate(0);
          case FLOAT32 -> FloatBuffer.allocate(0);
          default -> ByteBuffer.allocate(0);
        };
    return new HostTensor(type, shape, none);
  }

  @Override
  public DataType type() {
    return type;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The values: a {@link LongBuffer}, {@link FloatBuffer} or {@link ByteBuffer} by type. */
  public Buffer data() {
    return data.duplicate();
  }

  static long size(long[] shape) {
    long size = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Negative dimension in " + Arrays.toString(shape));
      }
      size *= d;
    }
    return size;
  }

  @Override
  public String toString() {
    return "HostTensor[" + type + " " + Arrays.toString(shape) + "]";
  }
}
