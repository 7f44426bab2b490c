package ai.hubbatch.model.task;

import java.util.List;

/**
 * A request ready for the model: its inputs, and what the task needs to answer it.
 *
 * @param inputs the inputs to run, possibly none (an empty list input)
 * @param state the task's own state for {@link Task#respond}
 * @param <I> the task's model input
 * @param <S> the task's state type
 */
public record Prepared<I, S>(List<I> inputs, S state) {

  public Prepared {
    inputs = List.copyOf(inputs);
  }
}
