package ai.hubbatch.pipeline;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * A finished job's Beam metrics (namespace {@code hubbatch}), as its runner reports them. They are
 * for display: runners differ in what they report (Flink and Spark give attempted values only,
 * which count a retried bundle twice), so the record counts that decide the exit code come from
 * what the job wrote ({@link JobSummary}).
 *
 * @param blankLines blank lines skipped
 * @param batches engine calls
 * @param failedBatches engine calls that failed, then were split to find the failing record
 * @param realTokens tokens before padding
 * @param paddedTokens tokens the engine computed over
 * @param batchSize sequences per engine call
 * @param batchPaddedTokens padded tokens per engine call
 * @param batchLatencyMicros time per engine call
 * @param modelLoadMillis time per model load, one value per JVM that loaded it
 * @param generatedTokens tokens generated (generation tasks)
 * @param stepRows rows busy over generation's decoding steps
 * @param stepSlots rows those steps could have held
 * @param notices notices on inputs by kind ({@link ai.hubbatch.model.batch.Notice})
 */
public record JobMetrics(
    long blankLines,
    long batches,
    long failedBatches,
    long realTokens,
    long paddedTokens,
    DistributionResult batchSize,
    DistributionResult batchPaddedTokens,
    DistributionResult batchLatencyMicros,
    DistributionResult modelLoadMillis,
    long generatedTokens,
    long stepRows,
    long stepSlots,
    Map<String, Long> notices) {

  public JobMetrics {
    notices = Map.copyOf(notices);
  }

  /** What a runner that reports no metrics gives. */
  public static final JobMetrics NONE =
      new JobMetrics(
          0,
          0,
          0,
          0,
          0,
          DistributionResult.IDENTITY_ELEMENT,
          DistributionResult.IDENTITY_ELEMENT,
          DistributionResult.IDENTITY_ELEMENT,
          DistributionResult.IDENTITY_ELEMENT,
          0,
          0,
          0,
          Map.of());

  /** Reads the metrics of a finished pipeline; {@link #NONE} if its runner has none. */
  public static JobMetrics of(PipelineResult result) {
    MetricQueryResults metrics;
    try {
      metrics =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.inNamespace(HubbatchMetrics.NAMESPACE))
                      .build());
    } catch (UnsupportedOperationException e) {
      return NONE;
    }
    return new JobMetrics(
        counter(metrics, HubbatchMetrics.BLANK_LINES),
        counter(metrics, HubbatchMetrics.BATCHES),
        counter(metrics, HubbatchMetrics.FAILED_BATCHES),
        counter(metrics, HubbatchMetrics.REAL_TOKENS),
        counter(metrics, HubbatchMetrics.PADDED_TOKENS),
        distribution(metrics, HubbatchMetrics.BATCH_SIZE),
        distribution(metrics, HubbatchMetrics.BATCH_PADDED_TOKENS),
        distribution(metrics, HubbatchMetrics.BATCH_LATENCY),
        distribution(metrics, HubbatchMetrics.LOAD_MODEL_LATENCY),
        counter(metrics, HubbatchMetrics.GENERATED_TOKENS),
        counter(metrics, HubbatchMetrics.STEP_ROWS),
        counter(metrics, HubbatchMetrics.STEP_SLOTS),
        notices(metrics));
  }

  /** The notice counters by kind, summed over the steps that report them. */
  private static Map<String, Long> notices(MetricQueryResults metrics) {
    Map<String, Long> notices = new TreeMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      String name = counter.getName().getName();
      if (name.startsWith(HubbatchMetrics.NOTICE_PREFIX)) {
        notices.merge(
            name.substring(HubbatchMetrics.NOTICE_PREFIX.length()),
            counter.getAttempted(),
            Long::sum);
      }
    }
    return notices;
  }

  /** Mean fraction of generation's decoding slots busy per step; 0 without decoding steps. */
  public double slotOccupancy() {
    return stepSlots == 0 ? 0 : (double) stepRows / stepSlots;
  }

  /** Summed over the steps that report it. */
  private static long counter(MetricQueryResults metrics, String name) {
    long total = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (counter.getName().getName().equals(name)) {
        total += counter.getAttempted();
      }
    }
    return total;
  }

  /** Combined over the steps that report it. */
  private static DistributionResult distribution(MetricQueryResults metrics, String name) {
    long sum = 0;
    long count = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (MetricResult<DistributionResult> result : metrics.getDistributions()) {
      if (result.getName().getName().equals(name)) {
        DistributionResult d = result.getAttempted();
        sum += d.getSum();
        count += d.getCount();
        min = Math.min(min, d.getMin());
        max = Math.max(max, d.getMax());
      }
    }
    return DistributionResult.create(sum, count, min, max);
  }

  /** Real tokens over padded tokens: 1.0 when no compute went to padding. */
  public double paddingEfficiency() {
    return paddedTokens == 0 ? 1.0 : (double) realTokens / paddedTokens;
  }

  /** The summary's lines about batches and the model, each indented by two spaces. */
  String describe() {
    StringBuilder lines = new StringBuilder();
    lines.append(
        String.format(
            Locale.ROOT,
            "  batches        %,d (padding efficiency %.3f)%s%n",
            batches,
            paddingEfficiency(),
            failedBatches > 0
                ? String.format(Locale.ROOT, ", %,d failed and split", failedBatches)
                : ""));
    if (batchSize.getCount() > 0) {
      lines.append(
          String.format(
              Locale.ROOT,
              "  batch size     %.1f sequences, %.0f padded tokens on average (at most %,d, %,d)%n",
              batchSize.getMean(),
              batchPaddedTokens.getMean(),
              batchSize.getMax(),
              batchPaddedTokens.getMax()));
      lines.append(
          String.format(
              Locale.ROOT,
              "  batch latency  %.1f ms on average, %.1f ms at most%n",
              batchLatencyMicros.getMean() / 1000,
              batchLatencyMicros.getMax() / 1000.0));
    }
    if (stepSlots > 0) {
      lines.append(
          String.format(
              Locale.ROOT,
              "  decoding       %.0f%% of the slots busy per step on average%n",
              100 * slotOccupancy()));
    }
    notices.forEach(
        (kind, count) ->
            lines.append(
                String.format(
                    Locale.ROOT, "  notices        %,d %s (see the log)%n", count, kind)));
    if (modelLoadMillis.getCount() > 0) {
      lines.append(
          String.format(
              Locale.ROOT,
              "  model load     %.1f s%s%n",
              modelLoadMillis.getMax() / 1000.0,
              modelLoadMillis.getCount() > 1
                  ? String.format(
                      Locale.ROOT, " (the slowest of %,d loads)", modelLoadMillis.getCount())
                  : ""));
    }
    return lines.toString();
  }
}
