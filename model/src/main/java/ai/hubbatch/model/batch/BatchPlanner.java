package ai.hubbatch.model.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts sequences into batches that waste little on padding: sequences are sorted by length, then
 * batches are cut wherever one more sequence would pass the count or padded-token limit.
 *
 * <p>Stateless and timer-free, so it runs inside any bundle on any runner. A sequence longer than
 * the token budget on its own still gets a batch of one.
 */
public final class BatchPlanner {

  private BatchPlanner() {}

  /**
   * Plans batches.
   *
   * @param lengths token count of each sequence
   * @return batches as indices into {@code lengths}, shortest sequences first
   */
  public static List<int[]> plan(int[] lengths, BatchLimits limits) {
    Integer[] order = new Integer[lengths.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Shortest first: the first answers come back after the cheapest engine call, which is
    // what a job's time to first prediction waits for. (An engine that runs out of memory on a
    // later, longer batch costs nothing extra: the predictor splits failed batches.)
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]));
    List<int[]> batches = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int end = start + 1;
      // Sorted ascending, so the sequence being added is the batch's longest.
      while (end < order.length
          && end - start < limits.maxSequences()
          && (long) Math.max(1, lengths[order[end]]) * (end - start + 1)
              <= limits.maxPaddedTokens()) {
        end++;
      }
      int[] batch = new int[end - start];
      for (int i = start; i < end; i++) {
        batch[i - start] = order[i];
      }
      batches.add(batch);
      start = end;
    }
    return batches;
  }
}
