package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.model.codec.InvalidRequestException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV records as SageMaker's data processing sees them: each row a JSON array of
 * strings. Written rows have no line ending (the output assembly adds it) and quote only where
 * needed.
 */
final class CsvRows {

  private static final CsvMapper CSV = new CsvMapper();
  private static final CsvSchema ROW = CsvSchema.emptySchema().withLineSeparator("");

  private CsvRows() {}

  /** Every row of a CSV text. */
  static List<ArrayNode> parse(String text) {
    List<ArrayNode> rows = new ArrayList<>();
    try (MappingIterator<List<String>> it = CSV.readerForListOf(String.class)
        .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(text)) {
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
    try {
      return CSV.writer(ROW).with(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
          .writeValueAsString(columns);
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
    return e instanceof JsonProcessingException json ? json.getOriginalMessage()
        : String.valueOf(e.getMessage());
  }
}
