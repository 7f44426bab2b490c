package ai.hubbatch.bench;

/**
 * One engine's generation figures from {@code hubbatch bench}, as the child JVM reports them. Times
 * are the fastest of the repeats.
 *
 * @param engine the engine name
 * @param records records in the input
 * @param prompts prompts decoded (a record may hold several)
 * @param generatedTokens tokens generated over the input
 * @param e2eSeconds wall time of a {@code hubbatch run} pipeline over the input, model loaded
 * @param engineSeconds the decoding stage alone over every prompt at once
 * @param firstTokenSeconds from the stage call to its first generated token
 * @param meanTimeToFirstTokenSeconds from the stage call to each prompt's first token, averaged
 * @param slotOccupancy mean fraction of the slots busy per decoding step
 * @param steps decoding steps of the stage run
 * @param firstPredictionSeconds from JVM start to the first engine call back in the first job
 * @param modelLoadSeconds time to load the model
 * @param peakRssMegabytes the child JVM's peak resident memory after its first job
 * @param slots the slots (rows decoding at once) the run used
 * @param cachePositions the cache budget in positions the run used
 */
public record GenerationResult(
    String engine,
    long records,
    long prompts,
    long generatedTokens,
    double e2eSeconds,
    double engineSeconds,
    double firstTokenSeconds,
    double meanTimeToFirstTokenSeconds,
    double slotOccupancy,
    long steps,
    double firstPredictionSeconds,
    double modelLoadSeconds,
    double peakRssMegabytes,
    int slots,
    int cachePositions) {

  public double e2eTokensPerSecond() {
    return generatedTokens / e2eSeconds;
  }

  public double engineTokensPerSecond() {
    return generatedTokens / engineSeconds;
  }
}
