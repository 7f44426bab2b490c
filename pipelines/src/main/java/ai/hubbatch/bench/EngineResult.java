package ai.hubbatch.bench;

/**
 * One engine's figures from {@code hubbatch bench}, as the child JVM reports them. Times are the
 * fastest of the repeats, so a moment of interference does not decide a ratio.
 *
 * @param engine the DJL engine name
 * @param dtype the weights' dtype
 * @param weights the weights file that ran, relative to the model folder
 * @param records records in the input
 * @param realTokens tokens the model saw, padding excluded
 * @param e2eSeconds wall time of a {@code hubbatch run} pipeline over the input, model loaded
 * @param jobOverheadSeconds wall time of the same pipeline over the input's first record alone: the
 *     job's fixed cost
 * @param sortedSeconds engine time for the batches the pipeline forms (length-sorted)
 * @param ceilingSeconds engine time for the same batches without padding
 * @param arrivalOrderSeconds engine time for batches cut in arrival order under the same limits
 * @param paddingEfficiency real over padded tokens in the sorted batches
 * @param arrivalPaddingEfficiency real over padded tokens in the arrival-order batches
 * @param prepareSeconds parsing and tokenizing every record once, on one thread
 * @param firstPredictionSeconds from JVM start to the first batch back from the engine
 * @param modelLoadSeconds time to load the model
 * @param peakRssMegabytes the child JVM's peak resident memory after its first run of the job: what
 *     {@code hubbatch run} over the input takes
 * @param batchSize the batch limit in sequences the run used
 * @param maxBatchTokens the batch limit in padded tokens the run used
 * @param accuracy how the outputs compare to the fp32 weights' over the input; null for fp32
 */
public record EngineResult(
    String engine,
    String dtype,
    String weights,
    long records,
    long realTokens,
    double e2eSeconds,
    double jobOverheadSeconds,
    double sortedSeconds,
    double ceilingSeconds,
    double arrivalOrderSeconds,
    double paddingEfficiency,
    double arrivalPaddingEfficiency,
    double prepareSeconds,
    double firstPredictionSeconds,
    double modelLoadSeconds,
    double peakRssMegabytes,
    int batchSize,
    int maxBatchTokens,
    Accuracy accuracy) {

  public double e2eRecordsPerSecond() {
    return records / e2eSeconds;
  }

  public double e2eTokensPerSecond() {
    return realTokens / e2eSeconds;
  }

  /**
   * Records per second once the job runs: the records past the first over the time the full job
   * takes beyond the one-record job's. An input too small to tell the two apart gives the whole
   * job's rate.
   */
  public double steadyRecordsPerSecond() {
    if (records <= 1 || e2eSeconds <= jobOverheadSeconds) {
      return e2eRecordsPerSecond();
    }
    return (records - 1) / (e2eSeconds - jobOverheadSeconds);
  }

  /** {@link #steadyRecordsPerSecond} at the input's mean tokens per record. */
  public double steadyTokensPerSecond() {
    return steadyRecordsPerSecond() * realTokens / records;
  }

  /** Steady-state end-to-end throughput as a share of the zero-padding ceiling. */
  public double steadyOverCeiling() {
    return steadyRecordsPerSecond() / ceilingRecordsPerSecond();
  }

  public double sortedTokensPerSecond() {
    return realTokens / sortedSeconds;
  }

  public double ceilingRecordsPerSecond() {
    return records / ceilingSeconds;
  }

  public double ceilingTokensPerSecond() {
    return realTokens / ceilingSeconds;
  }

  public double arrivalOrderTokensPerSecond() {
    return realTokens / arrivalOrderSeconds;
  }

  /** Whole-job throughput, fixed cost included, as a share of the zero-padding ceiling. */
  public double e2eOverCeiling() {
    return ceilingSeconds / e2eSeconds;
  }

  /** What length sorting buys over arrival-order batches, engine time only. */
  public double sortedOverArrivalOrder() {
    return arrivalOrderSeconds / sortedSeconds;
  }
}
