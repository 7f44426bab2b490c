package ai.hubbatch.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * {@link JobStats} merged from any split of a job's bundles says what one record of the whole job
 * says, stays bounded, and its percentiles hold to 1% against the sorted latencies.
 */
class JobStatsTest {

  /** An engine call as a bundle saw it. */
  private record Call(long end, int items, long real, long padded, long nanos, boolean failed) {}

  private static List<Call> calls(int count, long spanMillis, long seed) {
    Random random = new Random(seed);
    long start = 1_700_000_000_000L;
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int items = 1 + random.nextInt(8);
      long padded = items * (1 + (long) random.nextInt(300));
      calls.add(
          new Call(
              start + (long) (random.nextDouble() * spanMillis),
              items,
              padded - random.nextInt(items),
              padded,
              1_000 + (long) (random.nextDouble() * random.nextDouble() * 900_000_000L),
              random.nextInt(50) == 0));
    }
    return calls;
  }

  private static void record(JobStats stats, Call call) {
    // Every third call a decoding step: a token per row, out of 8 slots.
    boolean step = call.end() % 3 == 0;
    stats.recordBatch(
        call.end(),
        call.items(),
        call.real(),
        call.padded(),
        call.nanos(),
        call.failed(),
        step ? call.items() : 0,
        step ? 8 : 0);
    for (int i = 0; i < call.items(); i++) {
      stats.recordResult(call.end(), call.failed());
    }
  }

  @Test
  void bundlesMergedInAnySplitGiveTheWholeJobsStatistics() {
    // Two hours of calls: far more 100 ms intervals than are kept, so both sides coarsen.
    List<Call> calls = calls(20_000, 2 * 3600_000L, 11);
    JobStats whole = new JobStats();
    calls.forEach(call -> record(whole, call));

    Random random = new Random(5);
    List<JobStats> bundles = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      bundles.add(new JobStats());
    }
    calls.forEach(call -> record(bundles.get(random.nextInt(bundles.size())), call));
    bundles.get(3).recordPeakMemory(900);
    bundles.get(5).recordPeakMemory(1200);
    JobStats merged = new JobStats();
    // Merge in two layers, as a runner's combine does.
    JobStats left =
        new JobStats().merge(bundles.get(0)).merge(bundles.get(1)).merge(bundles.get(2));
    JobStats right = new JobStats();
    bundles.subList(3, 7).forEach(right::merge);
    merged.merge(right).merge(left);

    assertEquals(whole.intervalMillis(), merged.intervalMillis());
    assertTrue(whole.intervals().size() <= JobStats.MAX_INTERVALS);
    assertEquals(intervalCounts(whole.intervals()), intervalCounts(merged.intervals()));
    assertEquals(whole.batchSizes(), merged.batchSizes());
    assertEquals(whole.paddedTokenBins(), merged.paddedTokenBins());
    for (double p : new double[] {50, 90, 99}) {
      assertEquals(whole.latencyPercentileMicros(p), merged.latencyPercentileMicros(p));
    }
    assertEquals(whole.latencyMeanMicros(), merged.latencyMeanMicros(), 1e-6);
    assertEquals(whole.latencyMaxMicros(), merged.latencyMaxMicros());
    assertEquals(whole.firstBatchMillis(), merged.firstBatchMillis());
    assertEquals(1200, merged.peakMemoryBytes().getAsLong());

    // And the totals are the calls', counted here.
    Interval totals = merged.totals();
    List<Call> succeeded = calls.stream().filter(c -> !c.failed()).toList();
    assertEquals(calls.size(), totals.batches());
    assertEquals(calls.size() - succeeded.size(), totals.failedBatches());
    assertEquals(calls.stream().mapToLong(Call::items).sum(), totals.records());
    assertEquals(succeeded.stream().mapToLong(Call::items).sum(), totals.sequences());
    assertEquals(succeeded.stream().mapToLong(Call::real).sum(), totals.realTokens());
    assertEquals(succeeded.stream().mapToLong(Call::padded).sum(), totals.paddedTokens());
    List<Call> steps = succeeded.stream().filter(c -> c.end() % 3 == 0).toList();
    assertEquals(steps.stream().mapToLong(Call::items).sum(), totals.generatedTokens());
    assertEquals(steps.stream().mapToLong(Call::items).sum(), totals.stepRows());
    assertEquals(8L * steps.size(), totals.stepSlots());
    assertEquals(
        succeeded.stream().mapToLong(Call::padded).max().getAsLong(), merged.maxPaddedTokens());
    assertEquals(
        succeeded.stream().mapToLong(Call::end).min().getAsLong(),
        merged.firstBatchMillis().getAsLong());
  }

  @Test
  void latencyPercentilesHoldToOnePercentOfTheSortedLatencies() {
    List<Call> calls = calls(5_000, 60_000, 3);
    JobStats stats = new JobStats();
    calls.forEach(call -> record(stats, call));
    long[] micros =
        calls.stream().filter(c -> !c.failed()).mapToLong(c -> c.nanos() / 1000).sorted().toArray();
    for (double p : new double[] {50, 90, 99}) {
      // Nearest rank: the smallest value with at least p% of values at or below it.
      long exact = micros[(int) Math.ceil(p / 100 * micros.length) - 1];
      long estimate = stats.latencyPercentileMicros(p);
      assertEquals(exact, estimate, exact * 0.01, "p" + p);
    }
    assertEquals(micros[micros.length - 1], stats.latencyMaxMicros());
    assertEquals(Arrays.stream(micros).average().getAsDouble(), stats.latencyMeanMicros(), 1e-6);
  }

  @Test
  void paddedTokensAreBinnedByPowersOfTwo() {
    JobStats stats = new JobStats();
    for (long padded : new long[] {1, 3, 4, 7, 100, 127}) {
      stats.recordBatch(1000, 1, padded, padded, 5_000, false, 0, 0);
    }
    assertEquals(
        List.of(
            new JobStats.Bin(1, 1, 1),
            new JobStats.Bin(2, 3, 1),
            new JobStats.Bin(4, 7, 2),
            new JobStats.Bin(8, 15, 0),
            new JobStats.Bin(16, 31, 0),
            new JobStats.Bin(32, 63, 0),
            new JobStats.Bin(64, 127, 2)),
        stats.paddedTokenBins());
  }

  private static Map<Long, List<Long>> intervalCounts(SortedMap<Long, Interval> intervals) {
    Map<Long, List<Long>> counts = new java.util.TreeMap<>();
    intervals.forEach(
        (start, i) ->
            counts.put(
                start,
                List.of(
                    i.records(),
                    i.errors(),
                    i.batches(),
                    i.failedBatches(),
                    i.sequences(),
                    i.realTokens(),
                    i.paddedTokens(),
                    i.generatedTokens(),
                    i.stepRows(),
                    i.stepSlots())));
    return counts;
  }
}
