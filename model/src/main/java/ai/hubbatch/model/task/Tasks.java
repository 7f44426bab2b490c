package ai.hubbatch.model.task;

import ai.hubbatch.model.config.ConfigurationException;
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
   * The built-in factory for a task name. A model's own tasks are found through {@link
   * ModelCode#factory}.
   *
   * @throws ConfigurationException listing the tasks hubbatch runs when it does not run this
   */
  public static TaskFactory factory(String name) {
    return factory(name, Map.of());
  }

  /** The factory for a task name among a model's own tasks, which come first, and the built-in. */
  static TaskFactory factory(String name, Map<String, TaskFactory> own) {
    String key = key(name);
    TaskFactory factory = own.containsKey(key) ? own.get(key) : BUILT_IN.get(key);
    if (factory == null) {
      throw new ConfigurationException(
          "hubbatch does not run the task '"
              + name
              + "'. Tasks it runs: "
              + String.join(", ", BUILT_IN.keySet())
              + (own.isEmpty()
                  ? ""
                  : "; tasks of the model's code: " + String.join(", ", own.keySet())));
    }
    return factory;
  }

  /** The name a task is registered under: its canonical name's family. */
  static String key(String name) {
    return TaskInference.family(TaskInference.canonical(name));
  }

  /** Whether hubbatch itself runs a task of this registered name. */
  static boolean isBuiltIn(String key) {
    return BUILT_IN.containsKey(key);
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
