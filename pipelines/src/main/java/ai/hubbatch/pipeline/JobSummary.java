package ai.hubbatch.pipeline;

import ai.hubbatch.io.ResultsIO;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.GaugeResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * The end-of-run figures, read from the job's Beam metrics so they are the same on every
 * runner.
 *
 * @param state how the pipeline ended
 * @param seconds wall time of the run, model loading included
 * @param read records read
 * @param blank blank lines skipped
 * @param outputs records with an output
 * @param failed records in the errors file
 * @param batches engine calls
 * @param realTokens tokens before padding
 * @param paddedTokens tokens the engine computed over
 * @param modelLoadMillis time to load the model, or -1 if unknown
 * @param objectsFailed inputs that got no output because a record failed (SageMaker's rule)
 */
public record JobSummary(PipelineResult.State state, double seconds, long read, long blank,
    long outputs, long failed, long batches, long realTokens, long paddedTokens,
    long modelLoadMillis, long objectsFailed) {

  /** Reads the summary of a finished pipeline. */
  public static JobSummary of(PipelineResult result, double seconds) {
    MetricQueryResults metrics = result.metrics().queryMetrics(
        MetricsFilter.builder()
            .addNameFilter(MetricNameFilter.inNamespace(HubbatchMetrics.NAMESPACE))
            .build());
    long load = -1;
    for (MetricResult<GaugeResult> gauge : metrics.getGauges()) {
      if (gauge.getName().getName().equals(HubbatchMetrics.LOAD_MODEL_LATENCY)) {
        load = Math.max(load, gauge.getAttempted().getValue());
      }
    }
    return new JobSummary(result.getState(), seconds,
        counter(metrics, HubbatchMetrics.RECORDS_READ),
        counter(metrics, HubbatchMetrics.BLANK_LINES),
        counter(metrics, HubbatchMetrics.RECORDS_OUT),
        counter(metrics, HubbatchMetrics.RECORDS_FAILED),
        counter(metrics, HubbatchMetrics.BATCHES),
        counter(metrics, HubbatchMetrics.REAL_TOKENS),
        counter(metrics, HubbatchMetrics.PADDED_TOKENS),
        load,
        counter(metrics, ResultsIO.OBJECTS_FAILED));
  }

  private static long counter(MetricQueryResults metrics, String name) {
    long total = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (counter.getName().getName().equals(name)) {
        total += counter.getAttempted();
      }
    }
    return total;
  }

  /** Real tokens over padded tokens: 1.0 when no compute went to padding. */
  public double paddingEfficiency() {
    return paddedTokens == 0 ? 1.0 : (double) realTokens / paddedTokens;
  }

  public double recordsPerSecond() {
    return seconds <= 0 ? 0 : (outputs + failed) / seconds;
  }

  public double tokensPerSecond() {
    return seconds <= 0 ? 0 : realTokens / seconds;
  }

  /** Prints the summary for people. */
  public void print(PrintStream out, String errorsFile) {
    out.printf(Locale.ROOT, "hubbatch run %s in %.1f s%n", state, seconds);
    out.printf(Locale.ROOT, "  records read   %,d%s%n", read,
        blank > 0 ? String.format(Locale.ROOT, " (blank lines skipped: %,d)", blank) : "");
    out.printf(Locale.ROOT, "  outputs        %,d%n", outputs);
    out.printf(Locale.ROOT, "  errors         %,d%s%n", failed,
        failed > 0 ? " (see " + errorsFile + ")" : "");
    if (objectsFailed > 0) {
      out.printf(Locale.ROOT, "  no output      %,d input(s) with failed records (SageMaker rule)%n",
          objectsFailed);
    }
    out.printf(Locale.ROOT, "  throughput     %.1f records/s, %.0f tokens/s%n",
        recordsPerSecond(), tokensPerSecond());
    out.printf(Locale.ROOT, "  batches        %,d (padding efficiency %.3f)%n", batches,
        paddingEfficiency());
    if (modelLoadMillis >= 0) {
      out.printf(Locale.ROOT, "  model load     %.1f s%n", modelLoadMillis / 1000.0);
    }
  }
}
