package ai.hubbatch.pipeline;

import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.JobLock;
import ai.hubbatch.io.OutputFolder;
import ai.hubbatch.io.ResultsIO;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;

/**
 * The shutdown hook of a running job: when the JVM is stopped before the job ends (SIGTERM,
 * Ctrl-C), it cancels the pipeline, says which inputs are committed (complete, with their failed
 * records in their commit records) and which are not, releases the folder's lock and removes the
 * job's temporary files. The JVM then exits as it would (143 after SIGTERM).
 */
final class StopReport extends Thread {

  /** Names listed per line before the rest is counted. */
  private static final int SHOWN = 10;

  private final InferenceJob job;
  private final OutputFolder folder;
  private final JobLock lock;
  private final ResultsIO.Write write;
  private final PrintStream out;
  private volatile PipelineResult result;

  StopReport(
      InferenceJob job, OutputFolder folder, JobLock lock, ResultsIO.Write write, PrintStream out) {
    super("hubbatch-stop-report");
    this.job = job;
    this.folder = folder;
    this.lock = lock;
    this.write = write;
    this.out = out;
  }

  /** The running pipeline, to cancel on stop. */
  void watch(PipelineResult running) {
    this.result = running;
  }

  @Override
  public void run() {
    PipelineResult running = result;
    if (running != null) {
      try {
        running.cancel();
      } catch (IOException | RuntimeException e) {
        // Stopping anyway; what is committed is read below either way.
      }
    }
    try {
      Set<String> committed = new HashSet<>(folder.committed());
      List<String> done = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (InputFile input : job.inputs()) {
        (committed.contains(input.relativeName()) ? done : missing).add(input.relativeName());
      }
      out.printf(
          "hubbatch: stopped before the job finished. Committed (output and failed records in"
              + " place): %d of %d input(s)%s. Not written: %d%s. %s is not written; each"
              + " committed input's failed records are in %s.hubbatch/done/<input>.jsonl. Run the"
              + " same command with --resume to finish.%n",
          done.size(),
          job.inputs().size(),
          names(done),
          missing.size(),
          names(missing),
          ResultsIO.ERRORS_FILE,
          folder.uri());
    } catch (IOException | RuntimeException e) {
      out.printf(
          "hubbatch: stopped before the job finished; what is committed could not be read (%s)."
              + " Run the same command with --resume to finish.%n",
          e);
    }
    out.flush();
    try {
      write.cleanUp();
    } catch (IOException | RuntimeException e) {
      // Left for the next job into this folder, which removes earlier jobs' temporary files.
    }
    try {
      lock.close();
    } catch (IOException | RuntimeException e) {
      // A lock whose process is gone is taken over anyway.
    }
  }

  private static String names(List<String> names) {
    if (names.isEmpty()) {
      return "";
    }
    String shown = String.join(", ", names.subList(0, Math.min(SHOWN, names.size())));
    return " ("
        + shown
        + (names.size() > SHOWN ? ", and " + (names.size() - SHOWN) + " more" : "")
        + ")";
  }
}
