package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every task of samples/tasks/index.json runs from {@code hubbatch run} with the model it names
 * (empty: the default model) and the content type it names (a folder of image files): each record
 * gets one output line and none fails.
 */
class TaskSamplesTest {

  @Test
  void everyTaskInTheIndexRunsFromHubbatchRun(@TempDir Path dir) throws Exception {
    Path root = Paths.get("..").toAbsolutePath().normalize();
    JsonNode index = new ObjectMapper().readTree(root.resolve("samples/tasks/index.json").toFile());
    for (JsonNode entry : index) {
      String task = entry.get("task").asText();
      Path input = root.resolve(entry.get("input").asText());
      Path out = dir.resolve(task);
      List<String> args =
          new ArrayList<>(
              List.of(
                  "run", "--input", input.toString(), "--output", out.toString(), "--task", task));
      if (!entry.get("model").asText().isEmpty()) {
        args.addAll(List.of("--model", root.resolve(entry.get("model").asText()).toString()));
      }
      if (entry.has("content_type")) {
        args.addAll(List.of("--content-type", entry.get("content_type").asText()));
      }
      CliRun run = CliRun.of(args.toArray(String[]::new));
      String errors = Files.readString(out.resolve("_errors.jsonl"));
      assertEquals(0, run.code(), task + ": " + errors + run.err());
      if (Files.isDirectory(input)) {
        // a folder of media files: one record, one output line, per file
        try (Stream<Path> files = Files.list(input)) {
          for (Path file : files.toList()) {
            List<String> lines = Files.readAllLines(out.resolve(file.getFileName() + ".out"));
            assertEquals(1, lines.size(), task + " " + file);
          }
        }
      } else {
        long records = Files.readAllLines(input).stream().filter(l -> !l.isBlank()).count();
        List<String> lines = Files.readAllLines(out.resolve(input.getFileName() + ".out"));
        assertEquals(records, lines.size(), task);
      }
      assertEquals("", errors, task);
    }
  }
}
