package ai.hubbatch.model.task;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.source.ModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A model's own code: the jars under its {@code code/} folder, the Java counterpart of the
 * Inference Toolkit's {@code code/inference.py}. Each jar may provide tasks through {@link
 * TaskProvider} (listed in its {@code META-INF/services}): tasks of their own names, or, when the
 * provider says so in {@link TaskProvider#replaces()}, a built-in task's name, to wrap the built-in
 * task with hooks ({@link TaskHooks}) while the model keeps its usual {@code HF_TASK}.
 *
 * <p>Code runs only when the user allows it. {@link #inspect} reads the folder's listing alone, so
 * a job that was not allowed is refused before any of the model's classes is loaded. Each loaded
 * model's code gets its own class loader, whose parent is hubbatch's: it sees hubbatch's API and
 * its own classes, and nothing of another model's code. Closing this closes that class loader.
 */
public final class ModelCode implements AutoCloseable {

  /** The folder of a model's code, as the toolkit names it. */
  public static final String FOLDER = "code";

  /** The option and variable that allow a model's code to run, for messages. */
  public static final String HOW_TO_ALLOW =
      "--trust-model-code (or HF_TRUST_REMOTE_CODE=true in the environment)";

  private static final String EXAMPLE = "docs/custom-tasks.md and samples/custom-task/";
  private static final String SERVICES = "META-INF/services/" + TaskProvider.class.getName();

  private final URLClassLoader loader;
  private final Map<String, TaskFactory> tasks;

  private ModelCode(URLClassLoader loader, Map<String, TaskFactory> tasks) {
    this.loader = loader;
    this.tasks = tasks;
  }

  /**
   * The jars of the folder's code, checked against the user's permission; loads nothing.
   *
   * @return the jars, relative to the folder and sorted; empty when the model carries none
   * @throws ConfigurationException when the model carries Python hooks, which hubbatch does not
   *     run, or code the user did not allow, saying why and how to allow it
   */
  public static List<String> inspect(ModelFolder folder, boolean trusted) {
    List<String> jars = new ArrayList<>();
    List<String> python = new ArrayList<>();
    for (String file : codeFiles(folder)) {
      if (file.endsWith(".jar")) {
        jars.add(file);
      } else if (file.endsWith(".py")) {
        python.add(file);
      }
    }
    if (!python.isEmpty()) {
      throw new ConfigurationException(
          "The model "
              + folder.displayName()
              + " carries Python hooks ("
              + String.join(", ", python)
              + "), which hubbatch does not run: it runs Java hooks, a jar in "
              + FOLDER
              + "/ that provides a TaskProvider, as "
              + EXAMPLE
              + " show. Remove the Python files, or point at a model without them.");
    }
    if (!jars.isEmpty() && !trusted) {
      throw new ConfigurationException(
          "The model "
              + folder.displayName()
              + " carries code ("
              + String.join(", ", jars)
              + "), which would run inside this job with its permissions. hubbatch runs a model's"
              + " code only when you allow it: "
              + HOW_TO_ALLOW
              + ".");
    }
    return jars;
  }

  /**
   * Loads the tasks the folder's code provides, in a class loader of their own.
   *
   * @return the model's code; without tasks of its own when it carries no jar
   * @throws ConfigurationException as {@link #inspect} does, and when a jar's provider cannot be
   *     loaded or created, or two providers claim one task name, naming the jar and class
   * @throws IOException if a jar cannot be read
   */
  public static ModelCode load(ModelFolder folder, boolean trusted) throws IOException {
    List<String> jars = inspect(folder, trusted);
    if (jars.isEmpty()) {
      return new ModelCode(null, Map.of());
    }
    List<URL> urls = new ArrayList<>();
    Map<String, String> listed = new LinkedHashMap<>();
    for (String jar : jars) {
      Path path = folder.path().resolve(jar);
      urls.add(url(path));
      for (String provider : listedProviders(path)) {
        listed.putIfAbsent(provider, jar);
      }
    }
    URLClassLoader loader =
        new URLClassLoader(
            "model-code:" + folder.displayName(),
            urls.toArray(new URL[0]),
            ModelCode.class.getClassLoader());
    try {
      return new ModelCode(loader, providedTasks(folder, listed, loader));
    } catch (RuntimeException | LinkageError e) {
      loader.close();
      throw e;
    }
  }

  /**
   * The factory for a task name: the model's own tasks first, then the built-in ones.
   *
   * @throws ConfigurationException listing the tasks there are when neither has this one
   */
  public TaskFactory factory(String name) {
    return Tasks.factory(name, tasks);
  }

  /** The tasks the code provides, by name; empty for a model without code. */
  public Map<String, TaskFactory> tasks() {
    return tasks;
  }

  @Override
  public void close() throws IOException {
    if (loader != null) {
      loader.close();
    }
  }

  /**
   * Where a class of a model's code comes from, for messages: {@code com.example.Hooks (in
   * keywords.jar)}, or the class name alone for hubbatch's own classes.
   */
  public static String describe(Class<?> type) {
    if (!(type.getClassLoader() instanceof URLClassLoader loader)
        || !loader.getName().startsWith("model-code:")) {
      return type.getName();
    }
    try {
      Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      return type.getName() + " (in " + FOLDER + "/" + jar.getFileName() + ")";
    } catch (URISyntaxException | RuntimeException e) {
      return type.getName();
    }
  }

  private static Map<String, TaskFactory> providedTasks(
      ModelFolder folder, Map<String, String> listed, URLClassLoader loader) {
    Map<String, TaskFactory> tasks = new TreeMap<>();
    Map<String, String> owners = new TreeMap<>();
    Iterator<ServiceLoader.Provider<TaskProvider>> services =
        ServiceLoader.load(TaskProvider.class, loader).stream().iterator();
    while (true) {
      ServiceLoader.Provider<TaskProvider> service;
      try {
        if (!services.hasNext()) {
          break;
        }
        service = services.next();
      } catch (ServiceConfigurationError e) {
        // A provider named in META-INF/services that no jar has, or one that cannot be linked.
        throw new ConfigurationException(
            "The model's code lists a task provider that cannot be loaded: "
                + culprit(e, listed)
                + rootCause(e),
            e);
      }
      // The loader also sees hubbatch's own providers through its parent: only the jars' count.
      if (service.type().getClassLoader() != loader) {
        continue;
      }
      String owner = describe(service.type());
      Map<String, TaskFactory> provided;
      TaskProvider provider;
      try {
        provider = service.get();
        provided = provider.tasks();
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        throw new ConfigurationException(
            "The model's task provider " + owner + " could not be created: " + rootCause(e), e);
      }
      for (Map.Entry<String, TaskFactory> task : provided.entrySet()) {
        String name = task.getKey();
        check(name, provider, owner);
        String previous = owners.putIfAbsent(name, owner);
        if (previous != null) {
          throw new ConfigurationException(
              "Two task providers in the model's code claim the task '"
                  + name
                  + "': "
                  + previous
                  + " and "
                  + owner
                  + ". Keep one, or rename one of the tasks.");
        }
        tasks.put(name, task.getValue());
      }
    }
    return Collections.unmodifiableMap(tasks);
  }

  /** A model's task name must be found by its own spelling, and take a built-in's only openly. */
  private static void check(String name, TaskProvider provider, String owner) {
    String read = Tasks.key(name);
    if (!read.equals(name)) {
      throw new ConfigurationException(
          "The model's task provider "
              + owner
              + " names a task '"
              + name
              + "', which HF_TASK reads as '"
              + read
              + "': name it in lower case, with a name that is not an alias of a built-in task.");
    }
    if (Tasks.isBuiltIn(name) && !provider.replaces().contains(name)) {
      throw new ConfigurationException(
          "The model's task provider "
              + owner
              + " claims '"
              + name
              + "', a built-in task. Give the task a name of its own, or list '"
              + name
              + "' in its replaces() to run it instead of the built-in one for this model.");
    }
  }

  /** Every file under the folder's code folder, relative to the folder and sorted. */
  private static List<String> codeFiles(ModelFolder folder) {
    Path code = folder.path().resolve(FOLDER);
    if (!Files.isDirectory(code)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(code)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> folder.path().relativize(f).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The provider classes a jar lists, for naming the jar of one that fails. */
  private static List<String> listedProviders(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      var entry = file.getJarEntry(SERVICES);
      if (entry == null) {
        return List.of();
      }
      String text = new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
      return text.lines()
          .map(line -> line.replaceFirst("#.*", "").trim())
          .filter(line -> !line.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new IOException("Cannot read the model's code " + jar + ": " + e.getMessage(), e);
    }
  }

  /** The listed provider a service error is about, with its jar: {@code com.X (in a.jar) }. */
  private static String culprit(ServiceConfigurationError e, Map<String, String> listed) {
    String message = String.valueOf(e.getMessage());
    for (Map.Entry<String, String> provider : listed.entrySet()) {
      if (message.contains(provider.getKey())) {
        return provider.getKey() + " (listed in " + provider.getValue() + ") ";
      }
    }
    return "";
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new ConfigurationException("Not a jar path: " + jar, e);
    }
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
