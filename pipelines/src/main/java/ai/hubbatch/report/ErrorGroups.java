package ai.hubbatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * A job's errors file read once, line by line, and grouped by reason: the count of each reason and
 * its first few records. Memory stays bounded whatever the file's size: at most {@value
 * #MOST_REASONS} reasons are told apart, later ones are counted together.
 *
 * <p>A reason's group is its text before the first {@code ": "} (the kind of failure, such as
 * {@code Not valid JSON}), since what follows names the record's own content.
 *
 * @param groups the reasons, most frequent first
 * @param total every error in the file
 * @param ungrouped errors whose reason came after the first {@value #MOST_REASONS} reasons
 */
public record ErrorGroups(List<Group> groups, long total, long ungrouped) {

  /** Reasons told apart. */
  static final int MOST_REASONS = 1000;

  /** Examples kept per reason. */
  static final int EXAMPLES = 3;

  private static final int REASON_CHARS = 300;
  private static final int RECORD_CHARS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  public ErrorGroups {
    groups = List.copyOf(groups);
  }

  /**
   * The errors of one reason.
   *
   * @param reason the reason's kind
   * @param count how many records failed for it
   * @param examples the first few, in file order
   */
  public record Group(String reason, long count, List<Example> examples) {}

  /**
   * One failed record.
   *
   * @param where the input and the record's line ({@code a.jsonl:6}) or byte offset ({@code
   *     b.tfrecord at byte 34})
   * @param reason the whole reason, cut at 300 characters
   * @param record the record's start, cut at 200 characters, or empty for binary records
   */
  public record Example(String where, String reason, String record) {}

  /** Reads the errors file at {@code path} (any Beam file system); none if it is not there. */
  public static ErrorGroups read(String path) throws IOException {
    MatchResult match = FileSystems.match(List.of(path), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
      return new ErrorGroups(List.of(), 0, 0);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    Map<String, List<Example>> examples = new LinkedHashMap<>();
    long total = 0;
    long ungrouped = 0;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(
                Channels.newInputStream(FileSystems.open(match.metadata().get(0).resourceId())),
                StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        total++;
        JsonNode error = JSON.readTree(line);
        String reason = error.path("reason").asText("");
        String kind = kind(reason);
        if (!counts.containsKey(kind) && counts.size() >= MOST_REASONS) {
          ungrouped++;
          continue;
        }
        counts.merge(kind, 1L, Long::sum);
        List<Example> kept = examples.computeIfAbsent(kind, k -> new ArrayList<>());
        if (kept.size() < EXAMPLES) {
          kept.add(example(error, reason));
        }
      }
    }
    List<Group> groups = new ArrayList<>();
    counts.forEach((kind, count) -> groups.add(new Group(kind, count, examples.get(kind))));
    groups.sort(Comparator.comparingLong(Group::count).reversed());
    return new ErrorGroups(groups, total, ungrouped);
  }

  /** The kind of a reason: its text before the first ": ", or the whole reason. */
  static String kind(String reason) {
    int colon = reason.indexOf(": ");
    return colon > 0 ? reason.substring(0, colon) : cut(reason, REASON_CHARS);
  }

  private static Example example(JsonNode error, String reason) {
    String file = error.path("file").asText("");
    String where =
        error.has("line")
            ? file + ":" + error.get("line").asLong()
            : error.has("offset") ? file + " at byte " + error.get("offset").asLong() : file;
    return new Example(
        where, cut(reason, REASON_CHARS), cut(error.path("record").asText(""), RECORD_CHARS));
  }

  private static String cut(String text, int chars) {
    return text.length() <= chars ? text : text.substring(0, chars) + "...";
  }
}
