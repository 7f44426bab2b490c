package ai.hubbatch.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counts for the progress line of a job whose workers run in this JVM (the DirectRunner, an
 * embedded Flink). Beam metrics reach the launcher only as bundles commit, which for one large file
 * is at its end; these counters move with every record. Remote workers' progress shows in their
 * runner's UI instead.
 */
public final class LocalProgress {

  private static final AtomicLong DONE = new AtomicLong();
  private static final AtomicLong FAILED = new AtomicLong();
  private static final AtomicLong REAL_TOKENS = new AtomicLong();
  private static final AtomicLong PADDED_TOKENS = new AtomicLong();
  private static final AtomicLong FIRST_BATCH_MILLIS = new AtomicLong();

  private LocalProgress() {}

  /**
   * A point-in-time copy.
   *
   * @param done records answered (outputs and errors)
   * @param failed records that failed
   * @param realTokens tokens run, before padding
   * @param paddedTokens tokens the engine computed over
   */
  public record Snapshot(long done, long failed, long realTokens, long paddedTokens) {}

  public static Snapshot snapshot() {
    return new Snapshot(DONE.get(), FAILED.get(), REAL_TOKENS.get(), PADDED_TOKENS.get());
  }

  static void done(long records) {
    DONE.addAndGet(records);
  }

  static void failed(long records) {
    FAILED.addAndGet(records);
  }

  static void tokens(long real, long padded) {
    REAL_TOKENS.addAndGet(real);
    PADDED_TOKENS.addAndGet(padded);
    FIRST_BATCH_MILLIS.compareAndSet(0, System.currentTimeMillis());
  }

  /** When this JVM's first batch came back from the engine (epoch millis), or 0. */
  public static long firstBatchMillis() {
    return FIRST_BATCH_MILLIS.get();
  }
}
