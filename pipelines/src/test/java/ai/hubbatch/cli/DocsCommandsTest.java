package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs as a user meets them: the README stays a front door, every relative link and anchor
 * leads somewhere, and the commands the docs mark {@code <!-- checked -->} (the quick start, the
 * task table, the sample SageMaker job) work as written.
 *
 * <p>The {@code ./hubbatch} commands run from the repository root, as the docs say, in one child
 * JVM ({@link DocsCommandRunner}), so paths mean what they say and the models load once. Each
 * command's output folder is moved under {@code pipelines/target/docs-check/}, nothing else of it
 * changes.
 */
class DocsCommandsTest {

  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();

  /** The README is the front door: what hubbatch is, the quick start, the tasks, the way on. */
  private static final int README_MOST_BYTES = 12_000;

  private static final Pattern CI_COMMAND = Pattern.compile("(?m)^(mvn .*)$");

  /** What a child JVM needs of the test JVM's settings (surefire sets them in-process). */
  private static final List<String> FORWARDED_PROPERTIES =
      List.of("ai.djl.offline", "DJL_CACHE_DIR", "HUBBATCH_CACHE", "HF_ENDPOINT", "HF_HUB_CACHE");

  private static List<Markdown> pages() throws IOException {
    List<Markdown> pages = new ArrayList<>();
    pages.add(Markdown.read(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      for (Path page : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        pages.add(Markdown.read(page));
      }
    }
    return pages;
  }

  private static List<Markdown.Command> commands(String prefix) throws IOException {
    List<Markdown.Command> commands = new ArrayList<>();
    for (Markdown page : pages()) {
      for (Markdown.Command command : page.checkedCommands()) {
        if (command.text().startsWith(prefix)) {
          commands.add(command);
        }
      }
    }
    return commands;
  }

  @Test
  void theReadmeStaysSmall() throws IOException {
    long size = Files.size(ROOT.resolve("README.md"));
    assertTrue(
        size < README_MOST_BYTES,
        "README.md is " + size + " bytes: move details to a docs/ page and link to it");
  }

  @Test
  void everyCodeFenceIsClosed() throws IOException {
    for (Markdown page : pages()) {
      long fences = page.lines().stream().filter(line -> line.startsWith("```")).count();
      assertEquals(
          0, fences % 2, page.path() + ": a fence left open swallows the rest of the page");
    }
  }

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Markdown page : pages()) {
      for (Markdown.Link link : page.links()) {
        String target = link.target();
        if (target.matches("[a-z]+:.*")) {
          continue; // another site: not reachable from a test
        }
        String[] parts = target.split("#", 2);
        Path file = parts[0].isEmpty() ? page.path() : page.path().resolveSibling(parts[0]);
        String where = ROOT.relativize(page.path()) + ":" + link.line() + " " + target;
        if (!Files.exists(file)) {
          broken.add(where + " (no such file)");
        } else if (parts.length == 2 && file.toString().endsWith(".md")) {
          if (!Markdown.read(file).anchors().contains(parts[1])) {
            broken.add(where + " (no such heading)");
          }
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void theQuickStartTestCommandIsTheOneCiRuns() throws IOException {
    Matcher ci = CI_COMMAND.matcher(Files.readString(ROOT.resolve(".ci/run")));
    assertTrue(ci.find(), ".ci/run runs no mvn command");
    List<Markdown.Command> mvn = commands("mvn ");
    assertEquals(1, mvn.size(), "checked mvn commands: " + mvn);
    assertEquals(ci.group(1).strip(), mvn.get(0).text());
  }

  @Test
  void everySampleTaskHasItsCommandInTheReadmeTaskTable() throws IOException {
    List<List<String>> readme = new ArrayList<>();
    for (Markdown.Command command : Markdown.read(ROOT.resolve("README.md")).checkedCommands()) {
      readme.add(words(command.text()));
    }
    JsonNode index = new ObjectMapper().readTree(ROOT.resolve("samples/tasks/index.json").toFile());
    List<String> missing = new ArrayList<>();
    for (JsonNode entry : index) {
      String task = entry.get("task").asText();
      String model = entry.get("model").asText();
      boolean found =
          readme.stream()
              .anyMatch(
                  words ->
                      task.equals(option(words, "--task"))
                          && entry.get("input").asText().equals(option(words, "--input"))
                          && (model.isEmpty()
                              ? option(words, "--model") == null
                              : model.equals(option(words, "--model"))));
      if (!found) {
        missing.add(
            "./hubbatch run --task "
                + task
                + " --input "
                + entry.get("input").asText()
                + (model.isEmpty() ? "" : " --model " + model)
                + " --output out/"
                + task
                + "/");
      }
    }
    assertEquals(List.of(), missing, "add these rows to the README's task table");
  }

  @Test
  void everyCheckedCommandRunsAsWritten() throws Exception {
    Path check = ROOT.resolve("pipelines/target/docs-check");
    deleteTree(check);
    Files.createDirectories(check);
    List<Markdown.Command> commands = commands("./hubbatch ");
    assertTrue(commands.size() >= 3, "checked commands: " + commands);
    List<String> lines = new ArrayList<>();
    Map<Integer, Path> outputs = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < commands.size(); i++) {
      List<String> args = words(commands.get(i).text());
      args.remove(0); // ./hubbatch
      Path output = sandboxOutput(args, check.resolve(Integer.toString(i)));
      outputs.put(i, output);
      if (args.get(0).equals("run") || args.get(0).equals("transform")) {
        args.addAll(CliRun.testRunnerOptions());
      }
      lines.add(json.writeValueAsString(args));
    }
    Path commandFile = check.resolve("commands.jsonl");
    Path codeFile = check.resolve("exit-codes.txt");
    Path log = check.resolve("output.log");
    Files.write(commandFile, lines, StandardCharsets.UTF_8);

    List<String> java = new ArrayList<>();
    java.add(ProcessHandle.current().info().command().orElse("java"));
    java.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    for (String name : FORWARDED_PROPERTIES) {
      if (System.getProperty(name) != null) {
        java.add("-D" + name + "=" + System.getProperty(name));
      }
    }
    java.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            DocsCommandRunner.class.getName(),
            commandFile.toString(),
            codeFile.toString()));
    Process process =
        new ProcessBuilder(java)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the commands took over 10 minutes");
    List<String> codes = Files.exists(codeFile) ? Files.readAllLines(codeFile) : List.of();
    for (int i = 0; i < commands.size(); i++) {
      Markdown.Command command = commands.get(i);
      String what = command.text() + " (line " + command.line() + "; see " + log + ")";
      assertTrue(i < codes.size(), "did not run: " + what);
      assertEquals("0", codes.get(i), what);
      Path output = outputs.get(i);
      assertEquals("", Files.readString(output.resolve("_errors.jsonl")), what);
      assertTrue(Files.size(output.resolve("_report.html")) > 0, "no run report: " + what);
      try (Stream<Path> files = Files.walk(output)) {
        List<Path> outs = files.filter(p -> p.toString().endsWith(".out")).toList();
        assertTrue(!outs.isEmpty(), "no .out file: " + what);
        for (Path out : outs) {
          assertTrue(Files.size(out) > 0, "empty " + out + ": " + what);
        }
      }
    }
  }

  /**
   * Moves the command's output folder into {@code sandbox} (a transform without {@code --output}
   * gets one there, which wins over its job file's) and returns it.
   */
  private static Path sandboxOutput(List<String> args, Path sandbox) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if ((arg.equals("--output") || arg.equals("-o")) && i + 1 < args.size()) {
        Path moved = sandbox.resolve(args.get(i + 1));
        args.set(i + 1, moved.toString());
        return moved;
      }
      if (arg.startsWith("--output=")) {
        Path moved = sandbox.resolve(arg.substring("--output=".length()));
        args.set(i, "--output=" + moved);
        return moved;
      }
    }
    Path output = sandbox.resolve("out");
    args.add("--output");
    args.add(output.toString());
    return output;
  }

  /** A command's words, as a shell splits a line without quotes or variables. */
  private static List<String> words(String command) {
    assertTrue(
        !command.matches(".*[\"'$`|;&<>*].*"),
        "a checked command must be plain words (no quotes, variables, pipes): " + command);
    return new ArrayList<>(List.of(command.strip().split("\\s+")));
  }

  private static String option(List<String> words, String name) {
    int at = words.indexOf(name);
    return at >= 0 && at + 1 < words.size() ? words.get(at + 1) : null;
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
