package ai.hubbatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A command line run as users run it, with what it printed.
 *
 * <p>Commands that run a job ({@code run}, {@code transform}) and name no {@code --runner} run on
 * the runner of the test suite, {@code -DbeamTestPipelineOptions} (the DirectRunner unless a runner
 * profile sets it), so the CLI tests run on every runner as the pipeline tests do.
 *
 * @param code the exit code
 * @param out what went to stdout
 * @param err what went to stderr
 */
record CliRun(int code, String out, String err) {

  static CliRun of(String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    boolean runsJob =
        !command.isEmpty() && (command.get(0).equals("run") || command.get(0).equals("transform"));
    if (runsJob && command.stream().noneMatch(a -> a.startsWith("--runner"))) {
      command.addAll(testRunnerOptions());
    }
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(command.toArray(new String[0]));
      return new CliRun(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  /** The options of {@code -DbeamTestPipelineOptions}, a JSON array; none when unset. */
  static List<String> testRunnerOptions() {
    String json = System.getProperty("beamTestPipelineOptions");
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return List.of(new ObjectMapper().readValue(json, String[].class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
