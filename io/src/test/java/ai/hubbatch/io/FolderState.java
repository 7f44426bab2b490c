package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * What an output folder holds, read through Beam's file systems (local, {@code fulldisk://}, S3),
 * and the check of what {@link OutputFolder} promises a reader at any moment, used after every
 * fault the fault suite injects: a commit record, and the output it names, are exactly what one of
 * the runs that could have written them wrote (an earlier job's, or an uninterrupted run of this
 * one); {@code _errors.jsonl}, when present, is the error lines of exactly the records present.
 *
 * <p>Files a reader is told not to trust, a running or stopped job's temporary files and the lock,
 * are left out of the state, and so is the run report ({@code _report.html}), which describes a run
 * (its times and figures), not the results the folder holds.
 */
public final class FolderState {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RECORDS = ".hubbatch/done/";

  private FolderState() {}

  /**
   * Every file below the folder by relative name, as text, but temporary files, the lock and the
   * run report.
   */
  public static Map<String, String> read(String folder) {
    String uri = OutputFolder.at(folder).uri();
    Map<String, String> files = new TreeMap<>();
    try {
      MatchResult match = FileSystems.match(List.of(uri + "**"), EmptyMatchTreatment.ALLOW).get(0);
      if (match.status() != MatchResult.Status.OK) {
        return files;
      }
      for (MatchResult.Metadata file : match.metadata()) {
        String path = file.resourceId().toString();
        if (file.resourceId().isDirectory() || !path.startsWith(uri)) {
          continue;
        }
        String name = path.substring(uri.length());
        if (name.startsWith(".hubbatch/tmp/")
            || name.equals(".hubbatch/lock")
            || name.equals("_report.html")) {
          continue;
        }
        try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
          files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /**
   * Asserts the protocol's promises: every commit record present, and the output it names, equal
   * those of one of {@code truths} (folders written by uninterrupted runs); {@code _errors.jsonl},
   * when present, equals the error lines of the records present, in name order.
   *
   * @param where what was done to the folder, for failure messages
   */
  public static void assertConsistent(
      String where, Map<String, String> state, List<Map<String, String>> truths) {
    StringBuilder errors = new StringBuilder();
    for (Map.Entry<String, String> entry : state.entrySet()) {
      String name = entry.getKey();
      if (!name.startsWith(RECORDS)) {
        continue;
      }
      Map<String, String> truth =
          truths.stream()
              .filter(t -> entry.getValue().equals(t.get(name)))
              .findFirst()
              .orElse(null);
      if (truth == null) {
        fail(
            where
                + ": the commit record "
                + name
                + " claims what no run wrote:\n"
                + entry.getValue());
      }
      JsonNode header = header(entry.getValue());
      String input = name.substring(RECORDS.length(), name.length() - ".jsonl".length());
      if (header.get("output").isNull()) {
        assertFalse(
            state.containsKey(input + ".out"), where + ": withheld " + input + " has output");
      } else {
        String output = header.get("output").asText();
        assertEquals(truth.get(output), state.get(output), where + ": " + output + " of " + name);
      }
      errors.append(afterHeader(entry.getValue()));
    }
    if (state.containsKey(OutputFolder.ERRORS_FILE)) {
      assertEquals(
          errors.toString(),
          state.get(OutputFolder.ERRORS_FILE),
          where + ": _errors.jsonl is not the errors of the committed inputs");
    }
  }

  /**
   * Asserts that a complete folder accounts for every input record exactly once: each input has a
   * commit record, and its output lines and error lines together are its records.
   *
   * @param records each input's relative name and its number of records
   */
  public static void assertAccountsFor(Map<String, String> state, Map<String, Long> records) {
    StringBuilder errors = new StringBuilder();
    for (Map.Entry<String, Long> input : new TreeMap<>(records).entrySet()) {
      String record = state.get(RECORDS + input.getKey() + ".jsonl");
      assertTrue(record != null, "no commit record for " + input.getKey());
      JsonNode header = header(record);
      String failed = afterHeader(record);
      long errorLines = failed.isEmpty() ? 0 : failed.split("\n", -1).length - 1;
      assertEquals(header.get("errors").asLong(), errorLines, input.getKey());
      if (!header.get("output").isNull()) {
        String output = state.get(header.get("output").asText());
        long lines = output.isEmpty() ? 0 : output.split("\n", -1).length - 1;
        assertEquals(header.get("outputs").asLong(), lines, input.getKey());
        assertEquals(
            header.get("outputBytes").asLong(),
            output.getBytes(StandardCharsets.UTF_8).length,
            input.getKey());
      }
      assertEquals(
          (long) input.getValue(),
          header.get("outputs").asLong() + header.get("errors").asLong(),
          input.getKey() + ": every record once, as an output or an error");
      errors.append(failed);
    }
    assertEquals(errors.toString(), state.get(OutputFolder.ERRORS_FILE));
  }

  private static JsonNode header(String record) {
    try {
      return JSON.readTree(record.substring(0, record.indexOf('\n')));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String afterHeader(String record) {
    return record.substring(record.indexOf('\n') + 1);
  }
}
