package ai.hubbatch.model.stage;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchPlanner;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.EngineException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage that runs each input through the model once, in batches: inputs are grouped by {@link
 * #batchKey} (only inputs of one key can share a tensor), sorted by cost and cut under the limits
 * by {@link BatchPlanner}. When the engine fails on a batch, the batch is split in halves and
 * retried until the failing input is alone, so only it fails.
 *
 * <p>Subclasses say how one batch runs ({@link #newBatchSession}); everything else is here.
 *
 * @param <I> the stage's input
 * @param <O> the stage's output
 */
public abstract class ForwardStage<I, O> implements Stage<I, O> {

  /** Runs batches for one thread. */
  protected interface BatchSession<I, O> extends AutoCloseable {

    /**
     * Runs one batch.
     *
     * @return one output per input, in order, and what the engine computed over
     * @throws EngineException if the engine fails on the batch
     */
    Batch<O> run(List<I> batch);

    @Override
    void close();
  }

  /**
   * The outputs of one batch.
   *
   * @param outputs one per input, in order
   * @param paddedCost the cost the engine computed over, padding included
   */
  public record Batch<O>(List<O> outputs, long paddedCost) {}

  /**
   * Inputs with different keys never share a batch: images of different shapes, say. All inputs
   * share one key unless a subclass says otherwise.
   */
  protected Object batchKey(I input) {
    return "";
  }

  /** A session for the calling thread. */
  protected abstract BatchSession<I, O> newBatchSession();

  @Override
  public StageRunner<I, O> open(BatchLimits limits, InferenceListener listener) {
    return new Runner(newBatchSession(), limits, listener);
  }

  private final class Runner implements StageRunner<I, O> {
    private final BatchSession<I, O> session;
    private final BatchLimits limits;
    private final InferenceListener listener;

    Runner(BatchSession<I, O> session, BatchLimits limits, InferenceListener listener) {
      this.session = session;
      this.limits = limits;
      this.listener = listener;
    }

    @Override
    public void run(List<I> inputs, StageResults<O> results) {
      Map<Object, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < inputs.size(); i++) {
        groups.computeIfAbsent(batchKey(inputs.get(i)), key -> new ArrayList<>()).add(i);
      }
      for (List<Integer> group : groups.values()) {
        long[] costs = new long[group.size()];
        for (int i = 0; i < costs.length; i++) {
          costs[i] = cost(inputs.get(group.get(i)));
        }
        for (int[] planned : BatchPlanner.plan(costs, limits)) {
          int[] batch = new int[planned.length];
          for (int i = 0; i < planned.length; i++) {
            batch[i] = group.get(planned[i]);
          }
          run(inputs, batch, results);
        }
      }
    }

    private void run(List<I> inputs, int[] batch, StageResults<O> results) {
      List<I> items = new ArrayList<>(batch.length);
      long real = 0;
      for (int index : batch) {
        I input = inputs.get(index);
        items.add(input);
        real += cost(input);
      }
      long start = System.nanoTime();
      Batch<O> outputs;
      try {
        outputs = session.run(items);
      } catch (EngineException e) {
        listener.onBatch(
            new BatchReport(batch.length, real, real, System.nanoTime() - start, true));
        if (batch.length == 1) {
          results.fail(batch[0], e.getMessage());
          return;
        }
        // Split to find the input the engine cannot take; the others still get answers.
        int half = batch.length / 2;
        run(inputs, Arrays.copyOfRange(batch, 0, half), results);
        run(inputs, Arrays.copyOfRange(batch, half, batch.length), results);
        return;
      }
      listener.onBatch(
          new BatchReport(
              batch.length, real, outputs.paddedCost(), System.nanoTime() - start, false));
      for (int i = 0; i < batch.length; i++) {
        results.deliver(batch[i], outputs.outputs().get(i));
      }
    }

    @Override
    public void close() {
      session.close();
    }
  }
}
