package ai.hubbatch.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * A job's engine calls and answered records, kept so that the statistics of any number of workers'
 * bundles merge into those of the whole job: per time interval (throughput over time), as
 * histograms (batch sizes, padded tokens per batch, engine latency), and as extremes (the first
 * prediction, peak memory). Its size is bounded whatever the job's length: the intervals double in
 * width whenever there would be more than {@value #MAX_INTERVALS} of them.
 *
 * <p>Times are wall-clock epoch milliseconds of the machine that ran the engine call, so workers'
 * clocks should agree to within an interval. Intervals are aligned to multiples of their width
 * since the epoch, so any two {@code JobStats} line up.
 *
 * <p>Not thread-safe: each predict step instance fills its own, one bundle at a time.
 */
public final class JobStats implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The narrowest interval: fine enough to chart a job of a few seconds. */
  public static final long BASE_INTERVAL_MILLIS = 100;

  /** The most intervals kept; more and they double in width. */
  public static final int MAX_INTERVALS = 1024;

  /** Engine latency to 1% (two significant digits), from a microsecond to hours. */
  private static final int LATENCY_DIGITS = 2;

  private long intervalMillis = BASE_INTERVAL_MILLIS;

  /** Interval index (epoch millis / intervalMillis) to what happened in it. */
  private final TreeMap<Long, Interval> intervals = new TreeMap<>();

  /** Sequences per engine call to the number of calls of that size. */
  private final TreeMap<Integer, Long> batchSizes = new TreeMap<>();

  /** Engine calls whose padded tokens are in [2^k, 2^(k+1)), by k. */
  private final long[] paddedTokenPowers = new long[Long.SIZE];

  private final Histogram latencyMicros = new Histogram(LATENCY_DIGITS);
  private long latencySumMicros;
  private long latencyMaxMicros;
  private long maxPaddedTokens;
  private long firstBatchMillis = Long.MAX_VALUE;
  private long peakMemoryBytes = -1;

  /** A bin of a histogram: the count of values from {@code from} to {@code to}, both included. */
  public record Bin(long from, long to, long count) {}

  /** Records one answered record: an output or an error. */
  public void recordResult(long epochMillis, boolean failed) {
    interval(epochMillis).addResult(failed);
  }

  /**
   * Records one engine call.
   *
   * @param endEpochMillis when it returned
   * @param items sequences in it
   * @param realTokens their tokens before padding
   * @param paddedTokens the tokens computed over
   * @param nanos time in the engine
   * @param failed whether the engine failed on it (then split to find the failing record); a failed
   *     call counts as a batch but adds no sequences, tokens or latency
   * @param generated tokens it generated (generation's calls; else 0)
   * @param slots the rows a decoding step could have held (else 0)
   */
  public void recordBatch(
      long endEpochMillis,
      int items,
      long realTokens,
      long paddedTokens,
      long nanos,
      boolean failed,
      long generated,
      int slots) {
    Interval interval = interval(endEpochMillis);
    if (failed) {
      interval.addFailedBatch();
      return;
    }
    interval.addBatch(items, realTokens, paddedTokens, generated, slots);
    batchSizes.merge(items, 1L, Long::sum);
    paddedTokenPowers[63 - Long.numberOfLeadingZeros(Math.max(1, paddedTokens))]++;
    maxPaddedTokens = Math.max(maxPaddedTokens, paddedTokens);
    long micros = Math.max(1, nanos / 1000);
    latencyMicros.recordValue(micros);
    latencySumMicros += micros;
    latencyMaxMicros = Math.max(latencyMaxMicros, micros);
    firstBatchMillis = Math.min(firstBatchMillis, endEpochMillis);
  }

  /** Records a worker's peak resident memory; the report shows the largest. */
  public void recordPeakMemory(long bytes) {
    peakMemoryBytes = Math.max(peakMemoryBytes, bytes);
  }

  /** Whether nothing was recorded. */
  public boolean isEmpty() {
    return intervals.isEmpty();
  }

  /**
   * Adds another job's (or bundle's) statistics to these; the other is left as it was.
   *
   * @return this
   */
  public JobStats merge(JobStats other) {
    while (intervalMillis < other.intervalMillis) {
      coarsen();
    }
    long ratio = intervalMillis / other.intervalMillis;
    for (Map.Entry<Long, Interval> entry : other.intervals.entrySet()) {
      intervals
          .computeIfAbsent(Math.floorDiv(entry.getKey(), ratio), k -> new Interval())
          .add(entry.getValue());
    }
    other.batchSizes.forEach((size, count) -> batchSizes.merge(size, count, Long::sum));
    for (int k = 0; k < paddedTokenPowers.length; k++) {
      paddedTokenPowers[k] += other.paddedTokenPowers[k];
    }
    latencyMicros.add(other.latencyMicros);
    latencySumMicros += other.latencySumMicros;
    latencyMaxMicros = Math.max(latencyMaxMicros, other.latencyMaxMicros);
    maxPaddedTokens = Math.max(maxPaddedTokens, other.maxPaddedTokens);
    firstBatchMillis = Math.min(firstBatchMillis, other.firstBatchMillis);
    peakMemoryBytes = Math.max(peakMemoryBytes, other.peakMemoryBytes);
    while (intervals.size() > MAX_INTERVALS) {
      coarsen();
    }
    return this;
  }

  /** The width of the intervals: {@link #BASE_INTERVAL_MILLIS} times a power of two. */
  public long intervalMillis() {
    return intervalMillis;
  }

  /** What happened in each interval that saw anything, by the interval's start (epoch millis). */
  public SortedMap<Long, Interval> intervals() {
    SortedMap<Long, Interval> byStart = new TreeMap<>();
    intervals.forEach((index, interval) -> byStart.put(index * intervalMillis, interval.copy()));
    return Collections.unmodifiableSortedMap(byStart);
  }

  /** All intervals added up: the job's totals. */
  public Interval totals() {
    Interval total = new Interval();
    intervals.values().forEach(total::add);
    return total;
  }

  /** Real tokens over padded tokens: 1.0 when no compute went to padding (or none ran). */
  public double paddingEfficiency() {
    Interval total = totals();
    return total.paddedTokens() == 0 ? 1.0 : (double) total.realTokens() / total.paddedTokens();
  }

  /** Sequences per engine call to how many calls had that many. */
  public SortedMap<Integer, Long> batchSizes() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(batchSizes));
  }

  /**
   * Padded tokens per engine call, in bins of powers of two (1, 2-3, 4-7, ...), from the smallest
   * bin with a call to the largest, empty bins between included.
   */
  public List<Bin> paddedTokenBins() {
    List<Bin> bins = new ArrayList<>();
    int first = -1;
    int last = -1;
    for (int k = 0; k < paddedTokenPowers.length; k++) {
      if (paddedTokenPowers[k] > 0) {
        first = first < 0 ? k : first;
        last = k;
      }
    }
    for (int k = first; first >= 0 && k <= last; k++) {
      bins.add(new Bin(1L << k, (1L << (k + 1)) - 1, paddedTokenPowers[k]));
    }
    return bins;
  }

  /** Engine calls that succeeded, whose latency is recorded. */
  public long latencyCount() {
    return latencyMicros.getTotalCount();
  }

  /**
   * The engine latency below which {@code percentile} percent of calls fell, to 1% (and never above
   * the longest call); 0 when no call was recorded.
   */
  public long latencyPercentileMicros(double percentile) {
    return latencyMicros.getTotalCount() == 0
        ? 0
        : Math.min(latencyMaxMicros, latencyMicros.getValueAtPercentile(percentile));
  }

  /** Mean engine latency, exact. */
  public double latencyMeanMicros() {
    long count = latencyMicros.getTotalCount();
    return count == 0 ? 0 : (double) latencySumMicros / count;
  }

  /** Longest engine call, exact. */
  public long latencyMaxMicros() {
    return latencyMaxMicros;
  }

  /** The most padded tokens of one engine call, exact. */
  public long maxPaddedTokens() {
    return maxPaddedTokens;
  }

  /** When the first engine call returned a prediction (epoch millis), if any did. */
  public OptionalLong firstBatchMillis() {
    return firstBatchMillis == Long.MAX_VALUE
        ? OptionalLong.empty()
        : OptionalLong.of(firstBatchMillis);
  }

  /** The largest peak resident memory a worker reported, if any did. */
  public OptionalLong peakMemoryBytes() {
    return peakMemoryBytes < 0 ? OptionalLong.empty() : OptionalLong.of(peakMemoryBytes);
  }

  private Interval interval(long epochMillis) {
    Interval interval =
        intervals.computeIfAbsent(
            Math.floorDiv(epochMillis, intervalMillis), index -> new Interval());
    if (intervals.size() > MAX_INTERVALS) {
      coarsen();
      return interval(epochMillis);
    }
    return interval;
  }

  /** Doubles the interval width, adding up neighbours. */
  private void coarsen() {
    TreeMap<Long, Interval> wider = new TreeMap<>();
    intervals.forEach(
        (index, interval) ->
            wider.computeIfAbsent(Math.floorDiv(index, 2), k -> new Interval()).add(interval));
    intervals.clear();
    intervals.putAll(wider);
    intervalMillis *= 2;
  }
}
