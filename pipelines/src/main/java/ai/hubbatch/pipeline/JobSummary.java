package ai.hubbatch.pipeline;

import ai.hubbatch.io.WrittenFile;
import ai.hubbatch.stats.JobStats;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.PipelineResult;

/**
 * The end of a run. Record counts come from what the job wrote ({@link WrittenFile}s, which the
 * sink reports exactly on every runner): every record read is one output or one error, so they
 * decide the exit code. Batch and model figures come from the Beam metrics, for display.
 *
 * @param state how the pipeline ended
 * @param seconds wall time of the run, model loading included
 * @param outputs records with an output
 * @param failed records in the errors file
 * @param objectsFailed inputs that got no output because a record failed (SageMaker's rule)
 * @param metrics the job's Beam metrics
 * @param written what was written for each input, in input order (empty if the job failed)
 * @param stats the predict step's statistics, merged over the job (empty if the job failed)
 * @param resumedInputs inputs an earlier job had completed, skipped by {@code --resume}; their
 *     records are counted above, as the output folder holds them
 * @param resumedRecords the records of those inputs
 */
public record JobSummary(
    PipelineResult.State state,
    double seconds,
    long outputs,
    long failed,
    long objectsFailed,
    JobMetrics metrics,
    List<WrittenFile> written,
    JobStats stats,
    int resumedInputs,
    long resumedRecords) {

  public JobSummary {
    written = List.copyOf(written);
  }

  /**
   * The summary of a finished pipeline from what it wrote (empty if it failed).
   *
   * @param written every input's outcome, complete inputs skipped by {@code --resume} included
   * @param resumed the complete inputs that were skipped
   */
  public static JobSummary of(
      PipelineResult.State state,
      double seconds,
      List<WrittenFile> written,
      List<WrittenFile> resumed,
      JobMetrics metrics,
      JobStats stats) {
    long outputs = 0;
    long failed = 0;
    long withheld = 0;
    for (WrittenFile file : written) {
      outputs += file.outputs();
      failed += file.errors();
      withheld += file.path() == null ? 1 : 0;
    }
    long resumedRecords = 0;
    for (WrittenFile file : resumed) {
      resumedRecords += file.outputs() + file.errors();
    }
    return new JobSummary(
        state,
        seconds,
        outputs,
        failed,
        withheld,
        metrics,
        written,
        stats,
        resumed.size(),
        resumedRecords);
  }

  /** Records read (blank lines excluded): each got an output or an error. */
  public long read() {
    return outputs + failed;
  }

  public long realTokens() {
    return metrics.realTokens();
  }

  public double paddingEfficiency() {
    return metrics.paddingEfficiency();
  }

  /** Records this run read per second: those of resumed inputs were not read again. */
  public double recordsPerSecond() {
    return seconds <= 0 ? 0 : (read() - resumedRecords) / seconds;
  }

  public double tokensPerSecond() {
    return seconds <= 0 ? 0 : realTokens() / seconds;
  }

  /**
   * Prints the summary for people.
   *
   * @param weights the weights the job ran, as {@code Weights.describe()} gives them
   */
  public void print(PrintStream out, String errorsFile, String weights) {
    out.printf(Locale.ROOT, "hubbatch run %s in %.1f s%n", state, seconds);
    out.printf(Locale.ROOT, "  weights        %s%n", weights);
    out.printf(
        Locale.ROOT,
        "  records read   %,d%s%n",
        read(),
        metrics.blankLines() > 0
            ? String.format(Locale.ROOT, " (blank lines skipped: %,d)", metrics.blankLines())
            : "");
    if (resumedInputs > 0) {
      out.printf(
          Locale.ROOT,
          "  resumed        %,d input(s) already complete, %,d records not read again%n",
          resumedInputs,
          resumedRecords);
    }
    out.printf(Locale.ROOT, "  outputs        %,d%n", outputs);
    out.printf(
        Locale.ROOT,
        "  errors         %,d%s%n",
        failed,
        failed > 0 ? " (see " + errorsFile + ")" : "");
    if (objectsFailed > 0) {
      out.printf(
          Locale.ROOT,
          "  no output      %,d input(s) with failed records (SageMaker rule)%n",
          objectsFailed);
    }
    out.printf(
        Locale.ROOT,
        "  throughput     %.1f records/s, %.0f tokens/s%n",
        recordsPerSecond(),
        tokensPerSecond());
    if (metrics.generatedTokens() > 0) {
      out.printf(
          Locale.ROOT,
          "  generated      %,d tokens, %.1f tokens/s%n",
          metrics.generatedTokens(),
          seconds <= 0 ? 0 : metrics.generatedTokens() / seconds);
    }
    out.print(metrics.describe());
  }
}
