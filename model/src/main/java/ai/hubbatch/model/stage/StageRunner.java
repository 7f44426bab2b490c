package ai.hubbatch.model.stage;

import java.util.List;

/**
 * One thread's handle on a {@link Stage}. Not thread-safe.
 *
 * @param <I> the stage's input
 * @param <O> the stage's output
 */
public interface StageRunner<I, O> extends AutoCloseable {

  /**
   * Runs every input, batching them as the stage sees fit.
   *
   * <p>Each input ends in exactly one call to {@code results}: its output, or the reason it has
   * none. An input the engine cannot take fails alone; its neighbours still get outputs.
   */
  void run(List<I> inputs, StageResults<O> results);

  @Override
  void close();
}
