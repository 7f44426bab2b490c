package ai.hubbatch.cli;

import ai.hubbatch.model.source.LocatedModel;
import ai.hubbatch.pipeline.InferenceJob;
import ai.hubbatch.pipeline.JobSummary;
import ai.hubbatch.report.FinishedRun;
import ai.hubbatch.report.RunReports;
import java.io.PrintStream;
import java.time.Instant;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The run report of {@code run} and {@code transform}, as a picocli mixin: {@code --no-report}, and
 * the writing of {@code _report.html} once the job finished.
 */
final class ReportOptions {

  @Option(
      names = "--no-report",
      description = "Write no _report.html (the run report) into the output folder.")
  boolean noReport;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** Picocli builds every command before parsing, so this is the command line's start. */
  private final Instant started = Instant.now();

  /**
   * Writes the report of a finished job into its output folder, unless {@code --no-report}. The
   * outputs are in place by now, so a report that cannot be written is a warning on {@code err},
   * never a failed job.
   */
  void write(
      InferenceJob job,
      LocatedModel located,
      PipelineOptions options,
      JobSummary summary,
      int exitCode,
      PrintStream err) {
    if (noReport) {
      return;
    }
    try {
      String weights = job.model().weights().choose(located.folder()).describe();
      FinishedRun run =
          new FinishedRun(
              command.name(),
              command.commandLine().getParseResult().originalArgs(),
              System.getenv(),
              job,
              new FinishedRun.ModelInfo(located.describe(), located.revision(), weights),
              options.getRunner().getSimpleName(),
              started,
              Instant.now(),
              exitCode,
              summary);
      err.println("hubbatch: run report " + RunReports.write(run));
    } catch (Exception e) { // the report is a reading aid: whatever fails in it, the job stands
      err.println("hubbatch: could not write the run report: " + e);
    }
  }
}
