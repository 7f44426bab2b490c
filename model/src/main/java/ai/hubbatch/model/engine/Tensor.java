package ai.hubbatch.model.engine;

import java.util.Arrays;

/**
 * A model output copied into the Java heap: row-major floats with a shape. Engine-neutral, so
 * post-processing never touches engine arrays (DJL's ONNX Runtime arrays have almost no operators).
 *
 * @param name the output name ({@code last_hidden_state}, {@code logits}, ...) or its index
 * @param shape the dimensions, batch first
 * @param data the values, row-major
 */
public record Tensor(String name, long[] shape, float[] data) {

  public Tensor {
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "Shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
  }

  /** The size of dimension {@code axis}. */
  public int dim(int axis) {
    return Math.toIntExact(shape[axis]);
  }

  public int rank() {
    return shape.length;
  }

  /** Values per batch row: the product of all dimensions but the first. */
  public int rowSize() {
    return rank() == 0 ? 1 : data.length / dim(0);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + Arrays.toString(shape) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }
}
