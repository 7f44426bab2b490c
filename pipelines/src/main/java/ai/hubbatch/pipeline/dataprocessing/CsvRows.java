package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.model.codec.InvalidRequestException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * RFC 4180 CSV, the one CSV codec of hubbatch (jackson-dataformat-csv): rows as SageMaker's data
 * processing sees them, each a JSON array of strings, and rows under a header as the Inference
 * Toolkit makes them model inputs, for both {@code run} and {@code serve}. Written rows have no
 * line ending (the output assembly adds it) and quote only where needed.
 */
public final class CsvRows {

  private static final CsvMapper CSV = new CsvMapper();
  private static final CsvSchema ROW = CsvSchema.emptySchema().withLineSeparator("");

  /** Tasks whose inputs a CSV row cannot hold; the toolkit refuses CSV for them. */
  private static final Set<String> NO_CSV_TASKS =
      Set.of("zero-shot-classification", "table-question-answering");

  private CsvRows() {}

  /** Whether CSV rows can be the task's inputs: the toolkit refuses them for some tasks. */
  public static boolean takes(String task) {
    return !NO_CSV_TASKS.contains(task);
  }

  /**
   * Every row of a CSV text. Empty lines are no rows, as for Python's {@code csv.DictReader} (and
   * neither are lines of only spaces, which it would read as a row of one blank cell).
   *
   * @throws InvalidRequestException for text that is not CSV (an unclosed quote)
   */
  public static List<ArrayNode> parse(String text) {
    List<ArrayNode> rows = new ArrayList<>();
    try (MappingIterator<List<String>> it =
        CSV.readerForListOf(String.class)
            .with(CsvParser.Feature.WRAP_AS_ARRAY)
            .with(CsvParser.Feature.SKIP_EMPTY_LINES)
            .readValues(text)) {
      while (it.hasNext()) {
        ArrayNode row = JsonNodeFactory.instance.arrayNode();
        it.next().forEach(row::add);
        rows.add(row);
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidRequestException("Not valid CSV: " + message(e));
    }
    return rows;
  }

  /**
   * A row under a header as the toolkit's {@code decode_csv} makes it a model input: the value of
   * its {@code inputs} column, else an object of every column. As {@code csv.DictReader}, the
   * columns a short row lacks are null and a later column of the same name wins.
   *
   * @param what the row as the error names it ("CSV row 3")
   * @throws InvalidRequestException for a row longer than its header
   */
  public static JsonNode toolkitInput(ArrayNode header, ArrayNode row, String what) {
    if (row.size() > header.size()) {
      throw new InvalidRequestException(
          what + " has " + row.size() + " fields but the header names " + header.size());
    }
    ObjectNode columns = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < header.size(); i++) {
      columns.set(header.get(i).asText(), i < row.size() ? row.get(i) : NullNode.instance);
    }
    return columns.has("inputs") ? columns.get("inputs") : columns;
  }

  /** The one row of a CSV line. */
  static ArrayNode parseRow(String line) {
    List<ArrayNode> rows = parse(line);
    if (rows.size() != 1) {
      throw new InvalidRequestException("A CSV record must be one row, got " + rows.size());
    }
    return rows.get(0);
  }

  /** A row of the scalars of a JSON value, depth first; a scalar is a row of one column. */
  static String format(JsonNode value) {
    List<String> columns = new ArrayList<>();
    scalars(value, columns);
    return row(columns);
  }

  /**
   * One row, without a line ending. A cell is quoted only when it holds a comma, a quote or a line
   * break, which is also Python's {@code csv.QUOTE_MINIMAL} with {@code \r\n} line ends (but for a
   * row of one empty cell, which Python writes as {@code ""}).
   */
  public static String row(List<String> cells) {
    try {
      return CSV.writer(ROW)
          .with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
          .writeValueAsString(cells);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a CSV row", e);
    }
  }

  private static void scalars(JsonNode node, List<String> out) {
    if (node.isContainerNode()) {
      node.elements().forEachRemaining(child -> scalars(child, out));
    } else if (node.isTextual()) {
      out.add(node.textValue());
    } else if (node.isNull()) {
      out.add("");
    } else {
      out.add(node.toString()); // numbers and booleans as the JSON output writes them
    }
  }

  private static String message(Exception e) {
    // The reader's iterator wraps its parse errors in unchecked exceptions.
    Throwable cause =
        e instanceof RuntimeJsonMappingException && e.getCause() != null ? e.getCause() : e;
    return cause instanceof JsonProcessingException json
        ? json.getOriginalMessage()
        : String.valueOf(cause.getMessage());
  }
}
