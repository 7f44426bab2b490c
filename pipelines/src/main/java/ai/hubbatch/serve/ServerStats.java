package ai.hubbatch.serve;

import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the engine ran, so a load run can show how large dynamic batches grew. */
public final class ServerStats implements InferenceListener {

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong sequences = new AtomicLong();
  private final AtomicLong realTokens = new AtomicLong();
  private final AtomicLong paddedTokens = new AtomicLong();

  @Override
  public void onBatch(BatchReport report) {
    if (report.failed()) {
      return;
    }
    batches.incrementAndGet();
    sequences.addAndGet(report.items());
    realTokens.addAndGet(report.realCost());
    paddedTokens.addAndGet(report.paddedCost());
  }

  /** Engine calls that succeeded. */
  public long batches() {
    return batches.get();
  }

  /** Sequences over those calls. */
  public long sequences() {
    return sequences.get();
  }

  /** Sequences per engine call. */
  public double meanBatchSize() {
    long count = batches.get();
    return count == 0 ? 0 : (double) sequences.get() / count;
  }

  /** Real tokens over padded tokens. */
  public double paddingEfficiency() {
    long padded = paddedTokens.get();
    return padded == 0 ? 1 : (double) realTokens.get() / padded;
  }
}
