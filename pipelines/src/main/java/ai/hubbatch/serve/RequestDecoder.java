package ai.hubbatch.serve;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.codec.MediaType;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.PendingRequest;
import ai.hubbatch.pipeline.dataprocessing.CsvRows;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns an {@code /invocations} body into records for the model, by Content-Type as the toolkit's
 * decoders do (sagemaker-huggingface-inference-toolkit {@code decoder_encoder.py}):
 *
 * <ul>
 *   <li>{@code application/json}: one request. Beyond the toolkit, a body of several lines whose
 *       first line is a whole JSON value is a SageMaker MultiRecord batch of JSON Lines, one record
 *       per line;
 *   <li>{@code application/jsonlines} (beyond the toolkit): one record per non-blank line;
 *   <li>{@code text/csv}: a header naming {@code inputs}, {@code question} or {@code context}, then
 *       rows, as one request;
 *   <li>image and audio types: {@code {"inputs": <the body's bytes>}} ({@link
 *       InferenceRequest#media}), for the task to decode, as a batch job's media records.
 * </ul>
 *
 * <p>The types are those of {@link MediaType}'s table, the one the batch jobs read too.
 *
 * <p>Anything else is the toolkit's "Content type X is not supported" error.
 */
final class RequestDecoder {

  private RequestDecoder() {}

  /**
   * One record of a body: a JSON text to parse, or a request already built.
   *
   * @param line the record's line in the body (1 for a body that is one request)
   */
  record BodyRecord(int line, String text, InferenceRequest request) {

    /** Parses and tokenizes the record; never throws. */
    PendingRequest prepare(BatchPredictor predictor) {
      return text != null ? predictor.prepare(text) : predictor.prepare(request);
    }
  }

  /**
   * A decoded body.
   *
   * @param records one for a plain request, one per line for JSON Lines
   * @param multiRecord whether the response has one line per record
   */
  record DecodedBody(List<BodyRecord> records, boolean multiRecord) {}

  /**
   * Decodes a body.
   *
   * @param contentType the Content-Type header, or null when absent
   * @param task the model's task name
   * @throws ServeException 400 for a type with no decoder or a body the decoder refuses
   */
  static DecodedBody decode(String contentType, byte[] body, String task) {
    if (contentType == null) {
      throw ServeException.unsupportedFormat("None");
    }
    MediaType type = parse(contentType);
    if (type.type().equals("text/csv") && !CsvRows.takes(task)) {
      // The toolkit's message, with the " : 400" its exception's str() adds.
      throw ServeException.badRequest(
          "content type text/csv not support with " + task + ", use different content_type : 400");
    }
    MediaType.Format format =
        type.format().orElseThrow(() -> ServeException.unsupportedFormat(contentType));
    switch (format) {
      case JSON:
        return json(text(type, body));
      case JSON_LINES:
        List<BodyRecord> records = lines(text(type, body));
        if (records.isEmpty()) {
          throw ServeException.badRequest("The JSON Lines body holds no records");
        }
        return new DecodedBody(records, true);
      case CSV:
        return single(InferenceRequest.of(csv(text(type, body))));
      default:
        // The bytes go to the task as the batch job's media records do.
        return single(InferenceRequest.media(body));
    }
  }

  /** A header value; 400 for a charset Java does not know. */
  private static MediaType parse(String value) {
    try {
      return MediaType.parse(value);
    } catch (IllegalArgumentException e) {
      throw ServeException.badRequest(e.getMessage());
    }
  }

  private static String text(MediaType type, byte[] body) {
    try {
      return type.text(body);
    } catch (InvalidRequestException e) {
      throw ServeException.badRequest(e.getMessage());
    }
  }

  private static DecodedBody single(InferenceRequest request) {
    return new DecodedBody(List.of(new BodyRecord(1, null, request)), false);
  }

  /**
   * One request, unless the body is several lines and its first line is a whole JSON value: a
   * pretty-printed request never has that, a MultiRecord batch always does.
   */
  private static DecodedBody json(String text) {
    List<BodyRecord> lines = lines(text);
    if (lines.size() > 1 && isOneValue(lines.get(0).text())) {
      return new DecodedBody(lines, true);
    }
    return new DecodedBody(List.of(new BodyRecord(1, text, null)), false);
  }

  private static boolean isOneValue(String text) {
    try {
      Json.MAPPER.readTree(text);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Non-blank lines, numbered from 1 with blank lines counted. */
  private static List<BodyRecord> lines(String text) {
    List<BodyRecord> records = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (!line.isBlank()) {
        records.add(new BodyRecord(i + 1, line, null));
      }
    }
    return records;
  }

  /** The toolkit's {@code decode_csv}: rows become {@code inputs}. */
  private static JsonNode csv(String text) {
    String header = text.lines().findFirst().orElse("").toLowerCase(Locale.ROOT);
    if (!header.contains("question") && !header.contains("context") && !header.contains("inputs")) {
      throw ServeException.badRequest(
          "You need to provide the correct CSV with Header columns "
              + "to use it with the inference toolkit default handler. : 400");
    }
    ObjectNode request = JsonNodeFactory.instance.objectNode();
    ArrayNode inputs = request.putArray("inputs");
    try {
      List<ArrayNode> rows = CsvRows.parse(text);
      if (rows.size() < 2) {
        throw ServeException.badRequest("The CSV body has a header but no rows");
      }
      for (int i = 1; i < rows.size(); i++) {
        inputs.add(CsvRows.toolkitInput(rows.get(0), rows.get(i), "CSV row " + i));
      }
    } catch (InvalidRequestException e) {
      throw ServeException.badRequest(e.getMessage());
    }
    return request;
  }
}
