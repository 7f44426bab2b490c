package ai.hubbatch.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Pipelines for tests on the runner that {@code -DbeamTestPipelineOptions} names (the DirectRunner
 * by default), so one suite runs on every runner.
 */
public final class TestPipelines {

  private TestPipelines() {}

  public static Pipeline create() {
    return Pipeline.create(TestPipeline.testingPipelineOptions());
  }

  /**
   * Results as the sink takes them: each input's results, then its end marker, from one element, so
   * they share a bundle as a reader's do. Every input named in {@code ended} ends, those without
   * results too; the results of any other input come without an end.
   */
  public static PCollection<ResultRecord> results(
      Pipeline pipeline, List<ResultRecord> results, Collection<Integer> ended) {
    return results(pipeline, results, ended, null);
  }

  /**
   * As {@link #results(Pipeline, List, Collection)}, but the inputs that do not end hold their
   * results back until {@code releasedBy} exists (at most a minute), so a test can see other inputs
   * finish before the job fails on these, whatever order the runner takes bundles in.
   */
  public static PCollection<ResultRecord> results(
      Pipeline pipeline, List<ResultRecord> results, Collection<Integer> ended, String releasedBy) {
    Set<Integer> inputs = new TreeSet<>(ended);
    results.forEach(r -> inputs.add(r.file()));
    List<KV<Integer, List<ResultRecord>>> byInput = new ArrayList<>();
    for (int input : inputs) {
      byInput.add(KV.of(input, results.stream().filter(r -> r.file() == input).toList()));
    }
    return pipeline
        .apply(
            "Results",
            Create.of(byInput)
                .withCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(ResultRecord.Coder.of()))))
        .apply("ThenEnd", ParDo.of(new ThenEnd(new TreeSet<>(ended), releasedBy)))
        .setCoder(ResultRecord.Coder.of());
  }

  private static final class ThenEnd extends DoFn<KV<Integer, List<ResultRecord>>, ResultRecord> {
    private final TreeSet<Integer> ended;
    private final String releasedBy;

    ThenEnd(TreeSet<Integer> ended, String releasedBy) {
      this.ended = ended;
      this.releasedBy = releasedBy;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, List<ResultRecord>> input, OutputReceiver<ResultRecord> out)
        throws InterruptedException {
      if (releasedBy != null && !ended.contains(input.getKey())) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!Files.exists(Path.of(releasedBy)) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      input.getValue().forEach(out::output);
      if (ended.contains(input.getKey())) {
        out.output(ResultRecord.end(input.getKey()));
      }
    }
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
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith("direct-runner-worker"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("The DirectRunner's workers are still running after 2 minutes");
      }
      Thread.sleep(20);
    }
  }
}
