package ai.hubbatch.model.task;

import java.io.IOException;
import java.util.List;

/** Makes a task for a model. One per task name, registered in {@link Tasks}. */
@FunctionalInterface
public interface TaskFactory {

  /**
   * Creates the task, loading what it needs (tokenizer, networks) through the context, which keeps
   * them for as long as the model is loaded.
   *
   * @throws IllegalArgumentException when the model does not fit the task, with a message saying
   *     what to do
   * @throws IOException if the model's files cannot be read
   */
  Task<?, ?, ?> create(TaskContext context) throws IOException;

  /**
   * The typed columns this task's outputs fill in columnar formats; none by default, which keeps
   * each output whole as JSON. Known without loading the model, so a job's schema is fixed before
   * any worker starts.
   */
  default List<OutputColumn> outputColumns() {
    return List.of();
  }
}
