package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.io.SourceRecord;
import ai.hubbatch.io.SplitType;
import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.codec.MediaType;
import ai.hubbatch.model.config.ConfigurationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * What happens to a record around the model, as SageMaker's data processing and the Inference
 * Toolkit's codecs do it: the record is decoded by its content type, the {@code InputFilter} picks
 * what the model sees, and the response is encoded by {@code Accept}, joined with the original
 * record ({@code JoinSource Input}) and cut by the {@code OutputFilter}.
 *
 * <p>Decoding: JSON and JSON Lines records are JSON values ({@code {"inputs": ..}} or the inputs
 * themselves). An image or audio record is its bytes as the inputs ({@link
 * InferenceRequest#media}), as {@code serve} takes the same body. A CSV record is a row; with a
 * header line naming an {@code inputs}, {@code question} or {@code context} column, the request is
 * {@code {"inputs": row.inputs}} or {@code {"inputs": {column: value, ..}}} as the toolkit builds
 * it; without one, the row (after the input filter) must be one column, which is the inputs. A
 * whole CSV object (split type None) needs the header and gives {@code {"inputs": [..]}}, one
 * element per row.
 *
 * <p>Encoding: JSON as the toolkit writes it; CSV as one row of the response's scalars, depth first
 * (no header per record, unlike the toolkit, so rows can be joined and concatenated). Joined JSON
 * objects get {@code SageMakerOutput} and their keys in byte order, as SageMaker writes them; other
 * JSON values become {@code {"SageMakerInput":..,"SageMakerOutput":..}}; CSV rows get the output's
 * columns appended.
 */
public final class RecordMapping implements Serializable {

  private static final Set<String> CSV_HEADER_COLUMNS = Set.of("inputs", "question", "context");
  private static final String OUTPUT_KEY = "SageMakerOutput";
  private static final String INPUT_KEY = "SageMakerInput";

  private final ContentType contentType;
  private final ContentType accept;
  private final SplitType split;
  private final JsonPath inputFilter;
  private final JsonPath outputFilter;
  private final boolean join;

  /**
   * Checks the combination as SageMaker would, before any record is read.
   *
   * @throws IllegalArgumentException for a combination that cannot work, saying why
   */
  public RecordMapping(
      ContentType contentType,
      ContentType accept,
      SplitType split,
      JsonPath inputFilter,
      JsonPath outputFilter,
      JoinSource join) {
    this.contentType = contentType;
    this.accept = accept;
    this.split = split;
    this.inputFilter = inputFilter;
    this.outputFilter = outputFilter;
    this.join = join == JoinSource.INPUT;
    boolean processing = this.join || !inputFilter.isRoot() || !outputFilter.isRoot();
    if (processing && contentType.binary()) {
      throw new ConfigurationException(
          "InputFilter, OutputFilter and JoinSource work on "
              + "text/csv, application/json and application/jsonlines records, not "
              + contentType);
    }
    if (this.join && contentType.json() != accept.json()) {
      throw new ConfigurationException(
          "JoinSource Input joins outputs to records of the same "
              + "format: ContentType "
              + contentType
              + " needs Accept "
              + (contentType.json() ? "application/json or application/jsonlines" : "text/csv")
              + ", not "
              + accept);
    }
    if (contentType.format() == MediaType.Format.CSV && processing && split != SplitType.LINE) {
      throw new ConfigurationException("Data processing of text/csv needs SplitType Line");
    }
    if (contentType.format() == MediaType.Format.JSON_LINES && split == SplitType.NONE) {
      throw new ConfigurationException(
          contentType
              + " with SplitType None would make the "
              + "whole object one request: use SplitType Line (one output per line)");
    }
    if (contentType.binary() && split == SplitType.LINE) {
      throw new ConfigurationException(
          contentType
              + " records cannot be split into lines: "
              + "use SplitType None (one object, one record), RecordIO or TFRecord");
    }
  }

  /** Whether the reader must keep records as bytes. */
  public boolean binaryRecords() {
    return contentType.binary();
  }

  /** Whether line-split objects may start with a header line (CSV). */
  public boolean csvLines() {
    return contentType.format() == MediaType.Format.CSV && split == SplitType.LINE;
  }

  /** The toolkit's test for a CSV header: a column named inputs, question or context. */
  public static Boolean isCsvHeader(String line) {
    try {
      for (JsonNode column : CsvRows.parseRow(line)) {
        if (CSV_HEADER_COLUMNS.contains(column.asText().trim().toLowerCase(Locale.ROOT))) {
          return true;
        }
      }
    } catch (InvalidRequestException e) {
      return false;
    }
    return false;
  }

  /**
   * The request for a record.
   *
   * @throws InvalidRequestException saying why the record cannot be a request
   */
  public InferenceRequest request(SourceRecord record) {
    if (record.binary()) {
      // A media record is the toolkit's {"inputs": <the decoded body>}: the task decodes the
      // bytes, as it decodes base64 sent in JSON and the same body sent to serve.
      return InferenceRequest.media(record.data());
    }
    switch (contentType.format()) {
      case CSV:
        return csvRequest(record);
      default:
        return InferenceRequest.of(inputFilter.select(parseJson(record.text())));
    }
  }

  private InferenceRequest csvRequest(SourceRecord record) {
    ObjectNode request = JsonNodeFactory.instance.objectNode();
    if (split == SplitType.NONE) {
      List<ArrayNode> rows = CsvRows.parse(record.text());
      if (rows.isEmpty() || !isCsvHeader(rows.get(0))) {
        throw new InvalidRequestException(
            "A text/csv object read whole needs a header line "
                + "naming an inputs, question or context column");
      }
      ArrayNode inputs = request.putArray("inputs");
      for (int i = 1; i < rows.size(); i++) {
        inputs.add(CsvRows.toolkitInput(rows.get(0), rows.get(i), "CSV row " + i));
      }
      return InferenceRequest.of(request);
    }
    JsonNode row = inputFilter.select(CsvRows.parseRow(record.text()));
    if (record.header() != null) {
      JsonNode header = inputFilter.select(CsvRows.parseRow(record.header()));
      request.set("inputs", CsvRows.toolkitInput(asRow(header), asRow(row), "The CSV record"));
    } else if (!row.isArray()) {
      request.set("inputs", row);
    } else if (row.size() == 1) {
      request.set("inputs", row.get(0));
    } else {
      throw new InvalidRequestException(
          "The CSV record has "
              + row.size()
              + " columns and its "
              + "object no header line naming an inputs column: pick the inputs column with an "
              + "InputFilter such as $[1]");
    }
    return InferenceRequest.of(request);
  }

  private static boolean isCsvHeader(ArrayNode row) {
    for (JsonNode column : row) {
      if (CSV_HEADER_COLUMNS.contains(column.asText().trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static ArrayNode asRow(JsonNode selected) {
    if (selected.isArray()) {
      return (ArrayNode) selected;
    }
    ArrayNode row = JsonNodeFactory.instance.arrayNode();
    row.add(selected);
    return row;
  }

  /**
   * The output of a record as it goes into its object's output.
   *
   * @throws InvalidRequestException if the output filter does not fit the joined record
   */
  public String output(SourceRecord record, JsonNode response) {
    boolean csv = accept.format() == MediaType.Format.CSV;
    JsonNode value = response;
    if (join) {
      value = csv ? joinRow(record, response) : joinJson(parseJson(record.text()), response);
    } else if (csv) {
      value = csvColumns(response);
    }
    JsonNode selected = outputFilter.select(value);
    return csv ? CsvRows.format(selected) : Json.write(selected);
  }

  private static JsonNode joinRow(SourceRecord record, JsonNode response) {
    ArrayNode joined = CsvRows.parseRow(record.text());
    joined.addAll(csvColumns(response));
    return joined;
  }

  private static ArrayNode csvColumns(JsonNode response) {
    return CsvRows.parseRow(CsvRows.format(response));
  }

  private static JsonNode joinJson(JsonNode input, JsonNode output) {
    TreeMap<String, JsonNode> fields = new TreeMap<>(); // byte order, as SageMaker writes them
    if (input.isObject()) {
      input.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
    } else {
      fields.put(INPUT_KEY, input);
    }
    fields.put(OUTPUT_KEY, output);
    ObjectNode joined = JsonNodeFactory.instance.objectNode();
    fields.forEach(joined::set);
    return joined;
  }

  private static JsonNode parseJson(String text) {
    try {
      JsonNode root = Json.MAPPER.readTree(text);
      if (root == null || root.isMissingNode()) {
        throw new InvalidRequestException("Empty request: expected {\"inputs\": ...}");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("Not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** For display: the settings in SageMaker's words. */
  @Override
  public String toString() {
    List<String> parts =
        new ArrayList<>(
            List.of("ContentType " + contentType, "SplitType " + split, "Accept " + accept));
    if (!inputFilter.isRoot()) {
      parts.add("InputFilter " + inputFilter);
    }
    if (join) {
      parts.add("JoinSource Input");
    }
    if (!outputFilter.isRoot()) {
      parts.add("OutputFilter " + outputFilter);
    }
    return String.join(", ", parts);
  }
}
