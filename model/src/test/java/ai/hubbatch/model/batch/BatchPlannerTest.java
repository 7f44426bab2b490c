package ai.hubbatch.model.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

  @Test
  void sortsShortestFirstAndCutsAtTheTokenBudget() {
    long[] lengths = {10, 50, 12, 48, 11, 49};
    List<int[]> batches = BatchPlanner.plan(lengths, new BatchLimits(32, 150));
    // The three short ones go together (48*4 = 192 would pass the budget); 50*3 = 150 fits.
    assertEquals(2, batches.size());
    assertArrayEquals(new int[] {0, 4, 2}, batches.get(0));
    assertArrayEquals(new int[] {3, 5, 1}, batches.get(1));
  }

  @Test
  void cutsAtTheSequenceCount() {
    long[] lengths = new long[10];
    Arrays.fill(lengths, 5);
    List<int[]> batches = BatchPlanner.plan(lengths, new BatchLimits(4, 1_000_000));
    assertEquals(List.of(4, 4, 2), batches.stream().map(b -> b.length).toList());
  }

  @Test
  void givesAnOversizedSequenceABatchOfItsOwn() {
    List<int[]> batches = BatchPlanner.plan(new long[] {3, 900, 3}, new BatchLimits(8, 100));
    assertArrayEquals(new int[] {0, 2}, batches.get(0));
    assertArrayEquals(new int[] {1}, batches.get(1));
  }

  @Test
  void everySequenceLandsInExactlyOneBatchWithinLimits() {
    Random random = new Random(7);
    long[] lengths = random.longs(1000, 1, 300).toArray();
    BatchLimits limits = new BatchLimits(32, 4096);
    int[] seen = new int[lengths.length];
    for (int[] batch : BatchPlanner.plan(lengths, limits)) {
      long longest = Arrays.stream(batch).mapToLong(i -> lengths[i]).max().orElseThrow();
      assertTrue(batch.length <= 32);
      assertTrue(batch.length == 1 || longest * batch.length <= 4096);
      for (int i : batch) {
        seen[i]++;
      }
    }
    assertTrue(Arrays.stream(seen).allMatch(n -> n == 1));
  }

  @Test
  void planningNothingGivesNoBatches() {
    assertEquals(0, BatchPlanner.plan(new long[0], new BatchLimits(1, 1)).size());
  }
}
