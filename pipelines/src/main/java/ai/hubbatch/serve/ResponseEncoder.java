package ai.hubbatch.serve;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.codec.MediaType;
import ai.hubbatch.model.codec.UnsupportedMediaTypeException;
import ai.hubbatch.pipeline.dataprocessing.CsvRows;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes a response in the type the client accepts, as the toolkit's encoders do: no Accept or
 * {@code *}{@code /*} is JSON; JSON is compact UTF-8 with no NaN ({@link Json#write}); CSV is
 * Python's {@code csv.DictWriter} over a list of objects. The response's Content-Type is the Accept
 * value as sent.
 *
 * @param contentType the response's Content-Type
 * @param csv whether to write CSV rather than JSON
 */
record ResponseEncoder(String contentType, boolean csv) {

  /**
   * The encoder for an Accept header. {@code application/jsonlines} is accepted beyond the toolkit
   * and written as JSON (one line per record for a MultiRecord body).
   *
   * @throws ServeException the toolkit's unsupported-format 400 for any other type
   */
  static ResponseEncoder forAccept(String accept) {
    MediaType type;
    try {
      type = MediaType.accept(accept);
    } catch (UnsupportedMediaTypeException e) {
      throw ServeException.unsupportedFormat(accept);
    } catch (IllegalArgumentException e) {
      throw ServeException.badRequest(e.getMessage());
    }
    return new ResponseEncoder(type.value(), type.format().orElseThrow() == MediaType.Format.CSV);
  }

  /**
   * Encodes one response.
   *
   * @throws ServeException 400 for NaN or infinity, or a response CSV cannot hold
   */
  byte[] encode(JsonNode response) {
    try {
      String text = csv ? csv(response) : Json.write(response);
      return text.getBytes(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ServeException.badRequest(e.getMessage());
    }
  }

  /**
   * {@code csv.DictWriter} with the first row's keys as the header and {@code \r\n} line ends. A
   * single object is one row (the toolkit fails on it).
   */
  private static String csv(JsonNode response) {
    List<JsonNode> rows = new ArrayList<>();
    if (response.isObject()) {
      rows.add(response);
    } else if (response.isArray()) {
      response.forEach(rows::add);
    }
    if ((!response.isObject() && !response.isArray())
        || rows.stream().anyMatch(row -> !row.isObject())) {
      throw ServeException.badRequest(
          "text/csv responses are written from a list of objects, "
              + "as the toolkit's csv.DictWriter does; this response is not one. Ask for "
              + "application/json.");
    }
    StringBuilder out = new StringBuilder();
    if (rows.isEmpty()) {
      return "";
    }
    List<String> header = new ArrayList<>();
    rows.get(0).fieldNames().forEachRemaining(header::add);
    row(out, header);
    for (JsonNode row : rows) {
      List<String> cells = new ArrayList<>(header.size());
      for (String name : header) {
        cells.add(cell(row.get(name)));
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
        String name = it.next().getKey();
        if (!header.contains(name)) {
          throw ServeException.badRequest(
              "dict contains fields not in fieldnames: " + PythonText.repr(name));
        }
      }
      row(out, cells);
    }
    return out.toString();
  }

  private static void row(StringBuilder out, List<String> cells) {
    // Python quotes a lone empty cell, so that the row is not read back as an empty line.
    boolean loneEmpty = cells.size() == 1 && cells.get(0).isEmpty();
    out.append(loneEmpty ? "\"\"" : CsvRows.row(cells)).append("\r\n");
  }

  /** What {@code csv} writes for a value: None is empty, anything else its {@code str()}. */
  private static String cell(JsonNode value) {
    if (value == null || value.isNull()) {
      return "";
    }
    return value.isTextual() ? value.asText() : PythonText.str(value);
  }
}
