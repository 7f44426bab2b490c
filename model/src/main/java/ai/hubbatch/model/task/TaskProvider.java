package ai.hubbatch.model.task;

import java.util.Map;
import java.util.Set;

/**
 * Supplies tasks by the names {@code HF_TASK} uses. hubbatch finds providers with {@link
 * java.util.ServiceLoader}: list the implementation in {@code
 * META-INF/services/ai.hubbatch.model.task.TaskProvider}. The built-in tasks come through this
 * interface too, and so do a model's own tasks, from the jars in its {@code code/} folder ({@link
 * ModelCode}).
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to create: every
 * provider is created when the first task is looked up, before any model loads.
 */
public interface TaskProvider {

  /** The tasks this provider runs, by name; each name may be provided once across providers. */
  Map<String, TaskFactory> tasks();

  /**
   * The built-in tasks that this provider, in a model's code, replaces for its model: a model's
   * code may take a built-in task's name (to wrap it with {@link TaskHooks}, so the model runs with
   * its usual {@code HF_TASK}) only when it says so here. None by default: a model's task that
   * takes a built-in name by accident is refused.
   */
  default Set<String> replaces() {
    return Set.of();
  }
}
