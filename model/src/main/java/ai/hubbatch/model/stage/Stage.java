package ai.hubbatch.model.stage;

import ai.djl.Device;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;

/**
 * How a task's inputs run on a model: a single batched forward pass (an encoder over tokens, a
 * vision model over pixels) or a decoding loop. Requests of many callers meet here: the caller
 * hands a stage every pending input at once, and the stage decides how they share engine calls.
 *
 * <p>Thread-safe and shared, like the model it runs. Each thread runs inputs through its own {@link
 * StageRunner}.
 *
 * @param <I> what a task prepares for one model input
 * @param <O> what the stage gives back for it
 */
public interface Stage<I, O> {

  /**
   * The input's cost in the stage's unit ({@link #costUnit()}), which batch limits budget: a
   * sequence's tokens, an image's pixels.
   */
  long cost(I input);

  /** What {@link #cost} counts, for reports: {@code tokens}, {@code pixels}, ... */
  String costUnit();

  /** The device the stage's engine runs on. */
  Device device();

  /** One line for logs: engine, device and files. */
  String describe();

  /** Batch limits for this model on its device, for limits a job leaves unset. */
  SizedLimits defaultLimits();

  /**
   * How much cost a caller may gather before running it, with batches of these limits: enough for
   * full batches, sorted by cost where sorting saves padding. A caller that holds inputs in memory
   * (a pipeline's sort buffer) runs what it holds once it reaches this. Unbounded by default: text
   * inputs are small, and the more are sorted together, the less padding.
   */
  default long gatherCost(BatchLimits limits) {
    return Long.MAX_VALUE;
  }

  /**
   * A runner for the calling thread.
   *
   * @param limits how large one engine call may be
   * @param listener told about every engine call
   */
  StageRunner<I, O> open(BatchLimits limits, InferenceListener listener);
}
