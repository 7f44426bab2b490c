package ai.hubbatch.model.batch;

import java.io.Serializable;

/**
 * How large one engine call may be.
 *
 * @param maxSequences sequences per batch
 * @param maxPaddedTokens padded tokens per batch: longest sequence times count
 */
public record BatchLimits(int maxSequences, int maxPaddedTokens) implements Serializable {

  public BatchLimits {
    if (maxSequences < 1 || maxPaddedTokens < 1) {
      throw new IllegalArgumentException(
          "Batch size and token budget must be at least 1, got "
              + maxSequences
              + " and "
              + maxPaddedTokens);
    }
  }
}
