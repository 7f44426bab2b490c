package ai.hubbatch.model.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts inputs into batches that waste little on padding: inputs are sorted by cost, then batches
 * are cut wherever one more input would pass the count or padded-cost limit.
 *
 * <p>Stateless and timer-free, so it runs inside any bundle on any runner. An input whose cost
 * alone passes the budget still gets a batch of one.
 */
public final class BatchPlanner {

  private BatchPlanner() {}

  /**
   * Plans batches.
   *
   * @param costs each input's cost (a sequence's tokens, an image's pixels)
   * @return batches as indices into {@code costs}, cheapest inputs first
   */
  public static List<int[]> plan(long[] costs, BatchLimits limits) {
    Integer[] order = new Integer[costs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Cheapest first: the first answers come back after the cheapest engine call, which is
    // what a job's time to first prediction waits for. (An engine that runs out of memory on a
    // later, larger batch costs nothing extra: the runner splits failed batches.)
    Arrays.sort(order, Comparator.comparingLong((Integer i) -> costs[i]));
    List<int[]> batches = new ArrayList<>();
    int start = 0;
    while (start < order.length) {
      int end = start + 1;
      // Sorted ascending, so the input being added is the batch's costliest.
      while (end < order.length
          && end - start < limits.maxItems()
          && Math.max(1, costs[order[end]]) * (end - start + 1) <= limits.maxCost()) {
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
