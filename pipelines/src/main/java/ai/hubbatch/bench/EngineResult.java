package ai.hubbatch.bench;

/**
 * One engine's figures from {@code hubbatch bench}, as the child JVM reports them. Times are the
 * fastest of the repeats, so a moment of interference does not decide a ratio.
 *
 * @param engine the DJL engine name
 * @param records records in the input
 * @param realTokens tokens the model saw, padding excluded
 * @param e2eSeconds wall time of a {@code hubbatch run} pipeline over the input, model loaded
 * @param sortedSeconds engine time for the batches the pipeline forms (length-sorted)
 * @param ceilingSeconds engine time for the same batches without padding
 * @param arrivalOrderSeconds engine time for batches cut in arrival order under the same limits
 * @param paddingEfficiency real over padded tokens in the sorted batches
 * @param arrivalPaddingEfficiency real over padded tokens in the arrival-order batches
 * @param prepareSeconds parsing and tokenizing every record once, on one thread
 * @param firstPredictionSeconds from JVM start to the first batch back from the engine
 * @param modelLoadSeconds time to load the model
 * @param peakRssMegabytes the child JVM's peak resident memory
 * @param batchSize the batch limit in sequences the run used
 * @param maxBatchTokens the batch limit in padded tokens the run used
 */
public record EngineResult(String engine, long records, long realTokens, double e2eSeconds,
    double sortedSeconds, double ceilingSeconds, double arrivalOrderSeconds,
    double paddingEfficiency, double arrivalPaddingEfficiency, double prepareSeconds,
    double firstPredictionSeconds, double modelLoadSeconds, double peakRssMegabytes,
    int batchSize, int maxBatchTokens) {

  public double e2eRecordsPerSecond() {
    return records / e2eSeconds;
  }

  public double e2eTokensPerSecond() {
    return realTokens / e2eSeconds;
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

  /** End-to-end throughput as a share of the zero-padding ceiling. */
  public double e2eOverCeiling() {
    return ceilingSeconds / e2eSeconds;
  }

  /** What length sorting buys over arrival-order batches, engine time only. */
  public double sortedOverArrivalOrder() {
    return arrivalOrderSeconds / sortedSeconds;
  }
}
