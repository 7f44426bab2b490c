package ai.hubbatch.model.batch;

import java.io.Serializable;

/**
 * How large one engine call may be. Cost is in the unit of the stage that runs the batch: tokens
 * for text, pixels for images.
 *
 * @param maxItems inputs per batch (sequences, images)
 * @param maxCost padded cost per batch: the costliest input's cost times the count, which is what
 *     an engine computes over once inputs are padded to one shape
 */
public record BatchLimits(int maxItems, int maxCost) implements Serializable {

  public BatchLimits {
    if (maxItems < 1 || maxCost < 1) {
      throw new IllegalArgumentException(
          "Batch size and budget must be at least 1, got " + maxItems + " and " + maxCost);
    }
  }
}
