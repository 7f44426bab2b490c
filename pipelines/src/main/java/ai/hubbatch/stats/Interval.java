package ai.hubbatch.stats;

import java.io.Serializable;

/**
 * What happened in one time interval of a job: records answered and engine calls finished in it.
 * Mutable only inside this package, while {@link JobStats} accumulates.
 */
public final class Interval implements Serializable {

  private static final long serialVersionUID = 1L;

  private long records;
  private long errors;
  private long batches;
  private long failedBatches;
  private long sequences;
  private long realTokens;
  private long paddedTokens;
  private long generatedTokens;
  private long stepRows;
  private long stepSlots;

  Interval() {}

  /** Records answered (outputs and errors). */
  public long records() {
    return records;
  }

  /** Records that failed. */
  public long errors() {
    return errors;
  }

  /** Engine calls that finished, failed ones included. */
  public long batches() {
    return batches;
  }

  /** Engine calls that failed and were split to find the failing record. */
  public long failedBatches() {
    return failedBatches;
  }

  /** Sequences those calls ran. */
  public long sequences() {
    return sequences;
  }

  /** Tokens they ran, before padding. */
  public long realTokens() {
    return realTokens;
  }

  /** Tokens they computed over, padding included. */
  public long paddedTokens() {
    return paddedTokens;
  }

  /** Tokens generated (generation tasks). */
  public long generatedTokens() {
    return generatedTokens;
  }

  /** Rows busy over the decoding steps that finished (generation tasks). */
  public long stepRows() {
    return stepRows;
  }

  /** Rows those decoding steps could have held: with {@link #stepRows}, how full they ran. */
  public long stepSlots() {
    return stepSlots;
  }

  void addResult(boolean failed) {
    records++;
    if (failed) {
      errors++;
    }
  }

  void addBatch(int items, long real, long padded, long generated, int slots) {
    batches++;
    sequences += items;
    realTokens += real;
    paddedTokens += padded;
    generatedTokens += generated;
    if (slots > 0) {
      stepRows += items;
      stepSlots += slots;
    }
  }

  void addFailedBatch() {
    batches++;
    failedBatches++;
  }

  void add(Interval other) {
    records += other.records;
    errors += other.errors;
    batches += other.batches;
    failedBatches += other.failedBatches;
    sequences += other.sequences;
    realTokens += other.realTokens;
    paddedTokens += other.paddedTokens;
    generatedTokens += other.generatedTokens;
    stepRows += other.stepRows;
    stepSlots += other.stepSlots;
  }

  Interval copy() {
    Interval copy = new Interval();
    copy.add(this);
    return copy;
  }
}
