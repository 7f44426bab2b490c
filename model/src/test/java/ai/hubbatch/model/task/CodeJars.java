package ai.hubbatch.model.task;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a model's code jar in a test: compiles Java sources against hubbatch's classes with the
 * JDK's compiler and packs them with a {@code META-INF/services} listing, as a user's build would.
 */
final class CodeJars {

  private CodeJars() {}

  /**
   * @param sources Java source by class name ({@code com.example.Tasks})
   * @param providers the classes the jar lists as {@link TaskProvider}s (present or not)
   */
  static Path build(Path jar, Map<String, String> sources, String... providers) throws IOException {
    Path work = Files.createTempDirectory("hubbatch-code-jar");
    try {
      return build(jar, work, sources, providers);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  private static Path build(Path jar, Path work, Map<String, String> sources, String... providers)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("-d", work.resolve("classes").toString(), "-cp", classPath(), "-nowarn"));
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = work.resolve(source.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (!sources.isEmpty() && javac.run(null, null, null, args.toArray(new String[0])) != 0) {
      throw new IllegalStateException("The test's code did not compile");
    }
    Files.createDirectories(jar.getParent());
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      Path classes = Files.createDirectories(work.resolve("classes"));
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          put(out, classes.relativize(file).toString(), Files.readAllBytes(file));
        }
      }
      put(
          out,
          "META-INF/services/" + TaskProvider.class.getName(),
          (String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return jar;
  }

  private static void put(OutputStream out, String name, byte[] bytes) throws IOException {
    JarOutputStream jar = (JarOutputStream) out;
    jar.putNextEntry(new JarEntry(name.replace('\\', '/')));
    jar.write(bytes);
    jar.closeEntry();
  }

  /** hubbatch's and Jackson's classes, wherever the test runner put them. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (Class<?> type :
        List.of(
            TaskProvider.class,
            com.fasterxml.jackson.databind.JsonNode.class,
            com.fasterxml.jackson.core.TreeNode.class,
            com.fasterxml.jackson.annotation.JsonInclude.class)) {
      try {
        entries.add(
            Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (java.net.URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    entries.add(System.getProperty("java.class.path"));
    return String.join(java.io.File.pathSeparator, entries);
  }
}
