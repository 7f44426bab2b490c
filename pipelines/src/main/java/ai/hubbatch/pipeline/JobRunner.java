package ai.hubbatch.pipeline;

import ai.hubbatch.io.JobLock;
import ai.hubbatch.io.OutputFolder;
import ai.hubbatch.io.ResultsIO;
import ai.hubbatch.io.WrittenFile;
import ai.hubbatch.stats.JobStats;
import ai.hubbatch.stats.JobStatsFile;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Runs an {@link InferenceJob} to the end and reports on it: the output folder is locked around the
 * job, prepared as {@link OutputFolder} says, the pipeline run, and temporary files removed
 * whatever happened.
 */
public final class JobRunner {

  private JobRunner() {}

  /**
   * Runs a job that writes every input, locking its output folder for the time it runs.
   *
   * @throws ai.hubbatch.io.FolderInUseException if another job holds the folder
   * @throws org.apache.beam.sdk.Pipeline.PipelineExecutionException if the job failed
   * @throws IOException if the folder cannot be written, or the job ended without its report
   */
  public static JobSummary run(InferenceJob job, PipelineOptions options, PrintStream progress)
      throws IOException {
    try (JobLock lock = OutputFolder.at(job.output()).lock(UUID.randomUUID().toString())) {
      return run(job, options, progress, lock, false);
    }
  }

  /**
   * Runs a job into an output folder whose lock the caller holds. With {@code resume}, inputs that
   * an earlier job committed from the same bytes with the same model and settings ({@link
   * OutputFolder#complete}) are neither read nor written again.
   *
   * <p>If the JVM is stopped while the job runs (SIGTERM), the pipeline is cancelled and {@code
   * progress} gets which inputs are committed and which are not ({@link StopReport}).
   *
   * @throws org.apache.beam.sdk.Pipeline.PipelineExecutionException if the job failed
   * @throws IOException if the folder cannot be read or written, or the job ended without its
   *     report
   */
  public static JobSummary run(
      InferenceJob job, PipelineOptions options, PrintStream progress, JobLock lock, boolean resume)
      throws IOException {
    OutputFolder folder = OutputFolder.at(job.output());
    List<WrittenFile> complete =
        resume ? folder.complete(job.inputs(), job.digest(), job.format()) : List.of();
    if (resume) {
      progress.printf(
          "hubbatch: resuming: %d of %d input(s) already complete, not read again%n",
          complete.size(), job.inputs().size());
    }
    folder.begin(lock.jobId());
    ResultsIO.Write write =
        InferencePipeline.sink(job).withJobId(lock.jobId()).withComplete(complete);
    Pipeline pipeline = Pipeline.create(options);
    InferencePipeline.build(pipeline, job, write);
    StopReport stop = new StopReport(job, folder, lock, write, progress);
    Runtime.getRuntime().addShutdownHook(stop);
    long start = System.nanoTime();
    try (ProgressLine line = new ProgressLine(progress)) {
      PipelineResult result = pipeline.run();
      stop.watch(result);
      result.waitUntilFinish();
      double seconds = (System.nanoTime() - start) / 1e9;
      PipelineResult.State state = result.getState();
      boolean done = state == PipelineResult.State.DONE;
      return JobSummary.of(
          state,
          seconds,
          done ? write.writtenFiles() : List.of(),
          complete,
          JobMetrics.of(result),
          done ? JobStatsFile.read(InferencePipeline.statsFile(write)) : new JobStats());
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: it reports and cleans up.
      }
      write.cleanUp();
    }
  }
}
