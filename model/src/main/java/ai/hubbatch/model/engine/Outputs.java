package ai.hubbatch.model.engine;

import java.util.List;

/**
 * The outputs of one run, held by the engine until {@link #close()}. Read them into the heap
 * ({@link #read}) for post-processing, or feed them to the next run as they are ({@link #value}),
 * which copies nothing: a decoder's cache stays in engine memory from step to step.
 */
public interface Outputs extends AutoCloseable {

  /** The output names in the graph's order; positions as names for engines that name none. */
  List<String> names();

  /** The output's dimensions. */
  long[] shape(String name);

  /**
   * A copy of the output in the heap as float32 (half-precision outputs are widened).
   *
   * @throws IllegalArgumentException if there is no such output
   */
  Tensor read(String name);

  /** Every output read into the heap, in order. */
  default List<Tensor> readAll() {
    return names().stream().map(this::read).toList();
  }

  /**
   * The output as the engine holds it, to feed a later run of the same network or another one on
   * the same engine; valid until this is closed.
   */
  Value value(String name);

  /** Releases the engine memory of every output; values taken from it become invalid. */
  @Override
  void close();
}
