package ai.hubbatch.model.inference;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import java.util.List;

/**
 * Engine-side measurements of generation for {@code hubbatch bench}: every prompt handed to the
 * decoding stage in one call, as a worker's sort buffer hands them, timed from that call.
 */
public final class GenerationBench {

  private GenerationBench() {}

  /**
   * What one run generated and how fast.
   *
   * @param prompts prompts run
   * @param generatedTokens tokens generated
   * @param seconds wall time of the call
   * @param firstTokenSeconds from the call to the first generated token (the first prefill back)
   * @param meanTimeToFirstTokenSeconds from the call to each prompt's first token, averaged over
   *     the prompts: waiting for a slot included
   * @param slotOccupancy mean fraction of the slots busy per decoding step
   * @param steps decoding steps (engine calls after the prefills)
   */
  public record Figures(
      long prompts,
      long generatedTokens,
      double seconds,
      double firstTokenSeconds,
      double meanTimeToFirstTokenSeconds,
      double slotOccupancy,
      long steps) {

    public double tokensPerSecond() {
      return generatedTokens / seconds;
    }
  }

  /**
   * Decodes the requests' prompts under the limits.
   *
   * @throws IllegalStateException if a request fails
   */
  public static Figures measure(
      LoadedModel model, List<PendingRequest> requests, BatchLimits limits) {
    Timing timing = new Timing(System.nanoTime());
    List<Outcome> outcomes;
    try (BatchPredictor predictor = model.newPredictor(limits, timing)) {
      outcomes = predictor.complete(requests);
    }
    double seconds = (System.nanoTime() - timing.start) / 1e9;
    for (Outcome outcome : outcomes) {
      if (!outcome.isSuccess()) {
        throw new IllegalStateException("A bench request failed: " + outcome.error());
      }
    }
    return new Figures(
        timing.prompts,
        timing.generated,
        seconds,
        timing.firstToken / 1e9,
        timing.prompts == 0 ? 0 : timing.firstTokens / 1e9 / timing.prompts,
        timing.slots == 0 ? 0 : (double) timing.rows / timing.slots,
        timing.steps);
  }

  /** Adds up the stage's reports: prefills give first tokens, steps give occupancy. */
  private static final class Timing implements InferenceListener {
    private final long start;
    private long generated;
    private long prompts;
    private long firstToken;
    private double firstTokens;
    private long rows;
    private long slots;
    private long steps;

    Timing(long start) {
      this.start = start;
    }

    @Override
    public void onBatch(BatchReport report) {
      if (report.failed()) {
        return;
      }
      generated += report.generated();
      long since = System.nanoTime() - start;
      if (report.slots() > 0) {
        steps++;
        rows += report.items();
        slots += report.slots();
      } else if (report.generated() > 0) {
        // a prefill: each of its prompts has its first token now
        if (prompts == 0) {
          firstToken = since;
        }
        prompts += report.items();
        firstTokens += (double) since * report.items();
      }
    }
  }
}
