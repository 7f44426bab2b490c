package ai.hubbatch.model.inference;

/**
 * What one engine call did, for metrics.
 *
 * @param sequences sequences in the batch
 * @param realTokens tokens before padding
 * @param paddedTokens tokens the engine computed over
 * @param nanos time in the engine
 * @param failed whether the engine failed on it
 */
public record BatchReport(
    int sequences, int realTokens, int paddedTokens, long nanos, boolean failed) {}
