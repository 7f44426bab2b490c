package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code inputs} of a text task: one string, or a list of strings that is a batch.
 *
 * @param texts the strings, in order
 * @param single whether the request held one string (the response is then not wrapped in a list)
 */
public record TextInputs(List<String> texts, boolean single) {

  /**
   * Reads a string or a list of strings.
   *
   * @param task the task name, for the error message
   * @throws InvalidRequestException naming the shape found otherwise
   */
  public static TextInputs parse(JsonNode inputs, String task) {
    if (inputs.isTextual()) {
      return new TextInputs(List.of(inputs.asText()), true);
    }
    if (inputs.isArray()) {
      List<String> texts = new ArrayList<>(inputs.size());
      for (int i = 0; i < inputs.size(); i++) {
        JsonNode item = inputs.get(i);
        if (!item.isTextual()) {
          throw new InvalidRequestException(
              task
                  + " expects \"inputs\" to be a string or a list of strings, but inputs["
                  + i
                  + "] is "
                  + JsonShapes.describe(item));
        }
        texts.add(item.asText());
      }
      return new TextInputs(texts, false);
    }
    throw new InvalidRequestException(
        task
            + " expects \"inputs\" to be a string or a list of strings, got "
            + JsonShapes.describe(inputs));
  }
}
