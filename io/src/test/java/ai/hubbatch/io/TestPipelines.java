package ai.hubbatch.io;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.TestPipeline;

/**
 * Pipelines for tests on the runner that {@code -DbeamTestPipelineOptions} names (the DirectRunner
 * by default), so one suite runs on every runner.
 */
public final class TestPipelines {

  private TestPipelines() {}

  public static Pipeline create() {
    return Pipeline.create(TestPipeline.testingPipelineOptions());
  }

  public static void run(Pipeline pipeline) {
    PipelineResult.State state = pipeline.run().waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new AssertionError("Pipeline ended " + state);
    }
  }

  /**
   * Waits until the DirectRunner's worker threads have ended. When a pipeline fails, the
   * DirectRunner reports it at once but lets bundles already running finish; a test that inspects
   * or writes the same files next waits for them first, as a new process would find them gone.
   */
  public static void awaitWorkersGone() throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
    while (Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith("direct-runner-worker"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("The DirectRunner's workers are still running after 2 minutes");
      }
      Thread.sleep(20);
    }
  }
}
