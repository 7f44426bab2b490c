package ai.hubbatch.model.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Inference Toolkit request: {@code {"inputs": ..., "parameters": {...}}}.
 *
 * <p>As in the toolkit, a JSON object without {@code inputs} is taken whole as the inputs (so
 * {@code {"question": .., "context": ..}} works for question answering) and the task decides
 * whether it can take that shape. A JSON value that is not an object is the inputs itself.
 *
 * <p>A media body or record (an image, audio) is {@code {"inputs": <its bytes>}} ({@link #media}),
 * the toolkit's {@code {"inputs": PIL.Image}}: the task decodes the bytes, as it decodes a base64
 * string sent in JSON, so both reach the model through the same code.
 *
 * @param inputs the task input, never null
 * @param parameters the pipeline parameters, an empty object when absent
 */
public record InferenceRequest(JsonNode inputs, ObjectNode parameters) {

  /**
   * Parses one request body.
   *
   * @throws InvalidRequestException if the text is not one JSON value or parameters is not an
   *     object
   */
  public static InferenceRequest parse(String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("Not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidRequestException("Empty request: expected {\"inputs\": ...}");
    }
    return of(root);
  }

  /** The request of a media body or record: its bytes as the inputs, no parameters. */
  public static InferenceRequest media(byte[] bytes) {
    return new InferenceRequest(BinaryNode.valueOf(bytes), JsonNodeFactory.instance.objectNode());
  }

  /** Builds a request from a parsed JSON value, with the same rules as {@link #parse}. */
  public static InferenceRequest of(JsonNode root) {
    if (!root.isObject() || !root.has("inputs")) {
      return new InferenceRequest(root, JsonNodeFactory.instance.objectNode());
    }
    JsonNode parameters = root.get("parameters");
    if (parameters == null || parameters.isNull()) {
      parameters = JsonNodeFactory.instance.objectNode();
    } else if (!parameters.isObject()) {
      throw new InvalidRequestException(
          "\"parameters\" must be a JSON object, got " + JsonShapes.describe(parameters));
    }
    return new InferenceRequest(root.get("inputs"), (ObjectNode) parameters);
  }
}
