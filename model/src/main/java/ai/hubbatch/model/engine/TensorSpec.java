package ai.hubbatch.model.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a graph declares for one of its inputs or outputs: name, element type and shape, where a
 * dimension the graph leaves open is -1 and may carry a symbolic name ({@code batch_size}, {@code
 * past_sequence_length}).
 *
 * @param name the input or output name, as exports name them ({@code input_ids}, {@code logits})
 * @param type the element type
 * @param shape the dimensions, -1 where open
 * @param dimensionNames the symbolic name of each dimension, empty where it has none
 */
public record TensorSpec(String name, DataType type, long[] shape, List<String> dimensionNames) {

  public TensorSpec {
    shape = shape.clone();
    dimensionNames = List.copyOf(dimensionNames);
  }

  /** A spec with no shape information, for engines that do not declare one. */
  public static TensorSpec named(String name, DataType type) {
    return new TensorSpec(name, type, new long[0], List.of());
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The fixed size of dimension {@code axis}, if the graph fixes it. */
  public Optional<Long> fixedDimension(int axis) {
    return axis < shape.length && shape[axis] >= 0 ? Optional.of(shape[axis]) : Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && name.equals(t.name)
        && type == t.type
        && Arrays.equals(shape, t.shape)
        && dimensionNames.equals(t.dimensionNames);
  }

  @Override
  public int hashCode() {
    return (31 * name.hashCode() + type.hashCode()) * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + type + Arrays.toString(shape);
  }
}
