package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner writes what the DirectRunner writes, byte for byte: {@code hubbatch run} with the real
 * default model over the sample reviews and a second file with bad and blank lines among good ones,
 * once on the DirectRunner and once on the runner a subclass names. Each runner module (flink/,
 * spark/) has one.
 */
public abstract class DirectRunnerParity {

  @TempDir Path dir;

  /** The {@code --runner} and its options, as a user would type them. */
  protected abstract List<String> runnerOptions();

  @Test
  void writesTheSameFilesAsTheDirectRunner() throws IOException {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    Path sample = Paths.get("../samples/text/reviews.jsonl");
    Files.copy(sample, in.resolve("reviews.jsonl"));
    List<String> mixed = new ArrayList<>(Files.readAllLines(sample).subList(0, 20));
    mixed.add(3, "not JSON");
    mixed.add(9, "");
    mixed.add(15, "{\"inputs\": 15}");
    Files.write(in.resolve("mixed.jsonl"), mixed);

    CliRun direct = run(in, dir.resolve("direct"), List.of("--runner", "DirectRunner"));
    CliRun other = run(in, dir.resolve("other"), runnerOptions());

    for (CliRun result : List.of(direct, other)) {
      assertEquals(1, result.code(), "two records failed: " + result.err());
      assertTrue(result.out().contains("records read   70 (blank lines skipped: 1)"), result.out());
      assertTrue(result.out().contains("errors         2"), result.out());
    }
    Map<String, byte[]> expected = files(dir.resolve("direct"));
    Map<String, byte[]> written = files(dir.resolve("other"));
    assertEquals(
        List.of(
            ".hubbatch/done/mixed.jsonl.jsonl",
            ".hubbatch/done/reviews.jsonl.jsonl",
            ".hubbatch/lock",
            "_errors.jsonl",
            "mixed.jsonl.out",
            "reviews.jsonl.out"),
        List.copyOf(expected.keySet()),
        "outputs, errors and commit records; no temporary file, and the lock released (empty)");
    assertEquals(expected.keySet(), written.keySet());
    assertEquals(48, Files.readAllLines(dir.resolve("direct/reviews.jsonl.out")).size());
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name), written.get(name), name);
    }
  }

  private static CliRun run(Path in, Path out, List<String> runner) {
    // No run report: it names its runner and times, so it differs by design.
    List<String> args =
        new ArrayList<>(
            List.of("run", "--input", in.toString(), "--output", out.toString(), "--no-report"));
    args.addAll(runner);
    return CliRun.of(args.toArray(new String[0]));
  }

  /** Every file below a folder by relative name, with its bytes. */
  private static Map<String, byte[]> files(Path folder) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files.put(folder.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
    return files;
  }
}
