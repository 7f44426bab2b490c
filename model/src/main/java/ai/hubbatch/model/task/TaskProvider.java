package ai.hubbatch.model.task;

import java.util.Map;

/**
 * Supplies tasks by the names {@code HF_TASK} uses. hubbatch finds providers with {@link
 * java.util.ServiceLoader}: list the implementation in {@code
 * META-INF/services/ai.hubbatch.model.task.TaskProvider}. The built-in tasks come through this
 * interface too.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to create: every
 * provider is created when the first task is looked up, before any model loads.
 */
public interface TaskProvider {

  /** The tasks this provider runs, by name; each name may be provided once across providers. */
  Map<String, TaskFactory> tasks();
}
