package ai.hubbatch.pipeline;

import ai.hubbatch.io.ResultsIO;
import ai.hubbatch.stats.JobStats;
import ai.hubbatch.stats.JobStatsFile;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/** Runs an {@link InferenceJob} to the end and reports on it. */
public final class JobRunner {

  private JobRunner() {}

  /**
   * Builds and runs the pipeline, shows progress on {@code progress}, waits for the end, and
   * removes temporary files whatever happened.
   *
   * @throws org.apache.beam.sdk.Pipeline.PipelineExecutionException if the job failed
   * @throws IOException if the job ended without writing its report
   */
  public static JobSummary run(InferenceJob job, PipelineOptions options, PrintStream progress)
      throws IOException {
    Pipeline pipeline = Pipeline.create(options);
    ResultsIO.Write write = InferencePipeline.build(pipeline, job);
    long start = System.nanoTime();
    try (ProgressLine line = new ProgressLine(progress)) {
      PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      double seconds = (System.nanoTime() - start) / 1e9;
      PipelineResult.State state = result.getState();
      boolean done = state == PipelineResult.State.DONE;
      return JobSummary.of(
          state,
          seconds,
          done ? write.writtenFiles() : List.of(),
          JobMetrics.of(result),
          done ? JobStatsFile.read(InferencePipeline.statsFile(write)) : new JobStats());
    } finally {
      write.cleanUp();
    }
  }
}
