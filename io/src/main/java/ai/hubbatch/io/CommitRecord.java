package ai.hubbatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * The first line of an input's commit record ({@code .hubbatch/done/<name>.jsonl}): what the job
 * that committed the input read, with what, and what it wrote. The record's other lines are the
 * input's failed records, as they appear in {@code _errors.jsonl}. See {@link OutputFolder} for the
 * protocol.
 *
 * @param name the input's relative name
 * @param source the input's full path or URI
 * @param sourceVersion the input's {@link InputFile#version()} when it was listed, or null
 * @param job the digest of the model and settings that made the output ({@link
 *     ResultsIO.Write#withJobDigest})
 * @param output the output's name relative to the folder, or null when it was withheld ({@link
 *     ResultsIO.Write#withAllOrNothing})
 * @param outputBytes the output's size in bytes (0 when withheld)
 * @param outputs records with an output
 * @param errors records that failed: the record's lines after this one
 */
public record CommitRecord(
    String name,
    String source,
    String sourceVersion,
    String job,
    String output,
    long outputBytes,
    long outputs,
    long errors)
    implements Serializable {

  /** The format of the header line; a reader refuses any other. */
  static final int FORMAT = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The header line, newline included. Fields come in a fixed order, so equal records are equal
   * bytes.
   */
  byte[] headerLine() {
    ObjectNode node = JSON.createObjectNode();
    node.put("hubbatch", FORMAT);
    node.put("name", name);
    node.put("source", source);
    node.put("sourceVersion", sourceVersion);
    node.put("job", job);
    node.put("output", output);
    node.put("outputBytes", outputBytes);
    node.put("outputs", outputs);
    node.put("errors", errors);
    return (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a header line.
   *
   * @throws IOException if it is not one this version wrote
   */
  static CommitRecord parse(String line) throws IOException {
    JsonNode node = JSON.readTree(line);
    if (node == null || !node.isObject() || node.path("hubbatch").asInt() != FORMAT) {
      throw new IOException("Not a hubbatch commit record: " + line);
    }
    return new CommitRecord(
        text(node, "name"),
        text(node, "source"),
        text(node, "sourceVersion"),
        text(node, "job"),
        text(node, "output"),
        node.path("outputBytes").asLong(),
        node.path("outputs").asLong(),
        node.path("errors").asLong());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
