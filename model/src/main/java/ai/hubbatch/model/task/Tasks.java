package ai.hubbatch.model.task;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The tasks hubbatch runs, by the names {@code HF_TASK} uses, from every {@link TaskProvider}. */
public final class Tasks {

  private static final Map<String, TaskFactory> BUILT_IN =
      load(ServiceLoader.load(TaskProvider.class, Tasks.class.getClassLoader()));

  private Tasks() {}

  /**
   * The factory for a task name.
   *
   * @throws IllegalArgumentException listing the tasks hubbatch runs when it does not run this
   */
  public static TaskFactory factory(String name) {
    TaskFactory factory = BUILT_IN.get(TaskInference.family(TaskInference.canonical(name)));
    if (factory == null) {
      throw new IllegalArgumentException(
          "hubbatch does not run the task '"
              + name
              + "'. Tasks it runs: "
              + String.join(", ", BUILT_IN.keySet()));
    }
    return factory;
  }

  /**
   * Every task the providers supply.
   *
   * @throws IllegalStateException when two providers claim one task name, naming both
   */
  static Map<String, TaskFactory> load(Iterable<TaskProvider> providers) {
    Map<String, TaskFactory> factories = new TreeMap<>();
    Map<String, String> owners = new TreeMap<>();
    for (TaskProvider provider : providers) {
      String owner = provider.getClass().getName();
      provider
          .tasks()
          .forEach(
              (name, factory) -> {
                String previous = owners.putIfAbsent(name, owner);
                if (previous != null) {
                  throw new IllegalStateException(
                      "Two task providers claim the task '"
                          + name
                          + "': "
                          + previous
                          + " and "
                          + owner);
                }
                factories.put(name, factory);
              });
    }
    return Collections.unmodifiableMap(factories);
  }
}
