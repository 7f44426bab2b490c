package ai.hubbatch.model.batch;

/**
 * What one engine call did, for metrics. Costs are in the stage's unit: tokens for text.
 *
 * @param items inputs in the batch (sequences, images, ...; for generation, rows)
 * @param realCost the inputs' own cost, before padding
 * @param paddedCost what the engine computed over, padding included
 * @param nanos time in the engine
 * @param failed whether the engine failed on it
 * @param generated tokens the call generated (one per row of a decoding step, one per prompt of a
 *     prefill); 0 for a single-pass stage
 * @param slots the rows a decoding step could have held (its batch limit), so {@code items / slots}
 *     is how full the step ran; 0 for calls that are not decoding steps
 */
public record BatchReport(
    int items,
    long realCost,
    long paddedCost,
    long nanos,
    boolean failed,
    long generated,
    int slots) {

  /** A single-pass call: nothing generated, no slots. */
  public BatchReport(int items, long realCost, long paddedCost, long nanos, boolean failed) {
    this(items, realCost, paddedCost, nanos, failed, 0, 0);
  }
}
