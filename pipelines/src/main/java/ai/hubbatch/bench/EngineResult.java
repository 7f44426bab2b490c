package ai.hubbatch.bench;

/**
 * One engine's figures from {@code hubbatch bench}, as the child JVM reports them.
 *
 * @param engine the DJL engine name
 * @param records records in the input
 * @param realTokens tokens the model saw, padding excluded
 * @param e2eSeconds wall time of a {@code hubbatch run} pipeline over the input, model loaded
 * @param modelOnlySeconds engine time for the same batches
 * @param ceilingSeconds engine time for the same batches without padding
 * @param paddingEfficiency real tokens over padded tokens in those batches
 * @param firstPredictionSeconds from JVM start to the first batch back from the engine
 * @param modelLoadSeconds time to load the model
 * @param peakRssMegabytes the child JVM's peak resident memory
 */
public record EngineResult(String engine, long records, long realTokens, double e2eSeconds,
    double modelOnlySeconds, double ceilingSeconds, double paddingEfficiency,
    double firstPredictionSeconds, double modelLoadSeconds, double peakRssMegabytes) {

  public double e2eRecordsPerSecond() {
    return records / e2eSeconds;
  }

  public double e2eTokensPerSecond() {
    return realTokens / e2eSeconds;
  }

  public double modelOnlyRecordsPerSecond() {
    return records / modelOnlySeconds;
  }

  public double modelOnlyTokensPerSecond() {
    return realTokens / modelOnlySeconds;
  }

  /** Records per second if the engine never computed over padding. */
  public double ceilingRecordsPerSecond() {
    return records / ceilingSeconds;
  }

  public double ceilingTokensPerSecond() {
    return realTokens / ceilingSeconds;
  }

  /** End-to-end throughput as a share of the zero-padding ceiling. */
  public double e2eOverCeiling() {
    return ceilingSeconds / e2eSeconds;
  }
}
