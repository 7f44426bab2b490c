package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.FolderState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubbatch run} in a JVM of its own, stopped by SIGTERM after its first commit, then killed
 * (SIGKILL) at a random moment and at the moment an input is committed, each time followed by
 * {@code --resume}: after every stop the folder says only what is true (checked against an
 * uninterrupted run), no {@code /tmp/onnxruntime-java*} folder is left, SIGTERM exits 143 naming
 * what was committed, and the last resume leaves exactly what the uninterrupted run did.
 *
 * <p>{@code -Dhubbatch.faults.soak=true} (the {@code fault-soak} profile) kills ten times at random
 * moments instead of once.
 */
class KilledJobTest {

  private static final int FILES = 6;
  private static final Pattern COMMITTED =
      Pattern.compile("Committed \\(output and failed records in place\\): (\\d+) of (\\d+)");

  @TempDir Path dir;
  private final Random random = new Random(15);

  /** A {@code hubbatch run} child process, its output in files. */
  private final class Child {
    final Process process;
    final Path err;

    Child(Path in, Path out, boolean resume, int number) throws IOException {
      Path tmp = dir.resolve("tmp");
      Files.createDirectories(tmp);
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx1g",
                  "-Djava.io.tmpdir=" + tmp,
                  "-cp",
                  System.getProperty("java.class.path")));
      for (String property :
          List.of("HUBBATCH_CACHE", "DJL_CACHE_DIR", "HF_ENDPOINT", "HF_HUB_CACHE")) {
        if (System.getProperty(property) != null) {
          command.add("-D" + property + "=" + System.getProperty(property));
        }
      }
      command.addAll(
          List.of("-Dai.djl.offline=true", Main.class.getName(), "run", "-i", in.toString()));
      command.addAll(List.of("-o", out.toString()));
      if (resume) {
        command.add("--resume");
      }
      err = dir.resolve("child-" + number + ".err");
      process =
          new ProcessBuilder(command)
              .redirectOutput(dir.resolve("child-" + number + ".out").toFile())
              .redirectError(err.toFile())
              .start();
    }

    int awaitExit() throws Exception {
      assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the job ends");
      return process.exitValue();
    }

    String err() throws IOException {
      return Files.readString(err);
    }
  }

  private Path inputs() throws IOException {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (int f = 0; f < FILES; f++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        lines.add(
            "{\"inputs\":\"file " + f + " review " + i + " " + "quite long ".repeat(i) + "\"}");
      }
      lines.add(3, "not json in file " + f);
      Files.write(in.resolve("part-" + f + ".jsonl"), lines);
    }
    return in;
  }

  private static int records(Path out) throws IOException {
    Path done = out.resolve(".hubbatch/done");
    if (!Files.isDirectory(done)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(done)) {
      return (int) files.count();
    }
  }

  /** Waits until the child has committed more inputs than {@code before}, or has ended. */
  private static void awaitCommit(Child child, Path out, int before) throws Exception {
    while (records(out) <= before && child.process.isAlive()) {
      Thread.sleep(5);
    }
  }

  private void assertTruthful(String when, Path out, Map<String, String> reference)
      throws IOException {
    FolderState.assertConsistent(when, FolderState.read(out.toString()), List.of(reference));
    try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
      List<String> onnx =
          left.map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("onnxruntime-java"))
              .toList();
      assertEquals(List.of(), onnx, when + ": ONNX Runtime's temporary folders are gone");
    }
  }

  @Test
  void killedAndStoppedJobsResumeToTheUninterruptedRunsBytes() throws Exception {
    Path in = inputs();
    CliRun whole = CliRun.of("run", "-i", in.toString(), "-o", dir.resolve("reference").toString());
    assertEquals(1, whole.code(), whole.err());
    Map<String, String> reference = FolderState.read(dir.resolve("reference").toString());
    FolderState.assertAccountsFor(
        reference,
        Map.of(
            "part-0.jsonl",
            13L,
            "part-1.jsonl",
            13L,
            "part-2.jsonl",
            13L,
            "part-3.jsonl",
            13L,
            "part-4.jsonl",
            13L,
            "part-5.jsonl",
            13L));

    Path out = dir.resolve("out");
    int runs = 0;

    // Stopped by SIGTERM after its first commit: exit 143, and it says what it wrote.
    Child stopped = new Child(in, out, false, runs++);
    awaitCommit(stopped, out, 0);
    stopped.process.destroy();
    assertEquals(143, stopped.awaitExit(), stopped.err());
    Matcher committed = COMMITTED.matcher(stopped.err());
    assertTrue(committed.find(), stopped.err());
    int claimed = Integer.parseInt(committed.group(1));
    assertTrue(claimed >= 1 && claimed <= records(out), "no more than is committed");
    assertEquals(FILES + " input(s)", committed.group(2) + " input(s)");
    assertTrue(
        stopped.err().contains("Run the same command with --resume to finish."), stopped.err());
    assertTruthful("stopped by SIGTERM", out, reference);

    // Killed at random moments: loading, reading, scoring or committing.
    int kills = Boolean.getBoolean("hubbatch.faults.soak") ? 10 : 1;
    for (int k = 0; k < kills; k++) {
      Child child = new Child(in, out, true, runs++);
      Thread.sleep(500 + random.nextInt(6000));
      child.process.destroyForcibly();
      child.awaitExit();
      assertTruthful("killed at random (run " + runs + ")", out, reference);
    }

    // Killed as it commits an input.
    int before = records(out);
    Child committing = new Child(in, out, true, runs);
    awaitCommit(committing, out, before);
    committing.process.destroyForcibly();
    committing.awaitExit();
    assertTruthful("killed as an input was committed", out, reference);

    // The last resume runs in this JVM, whose model is loaded already.
    int complete = records(out);
    CliRun last = CliRun.of("run", "-i", in.toString(), "-o", out.toString(), "--resume");
    assertEquals(1, last.code(), last.err());
    assertTrue(
        last.err().contains("resuming: " + complete + " of " + FILES + " input(s)"), last.err());
    assertEquals(reference, FolderState.read(out.toString()), "resumed to one run's bytes");
    assertTruthful("finished", out, reference);
  }
}
