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
}
