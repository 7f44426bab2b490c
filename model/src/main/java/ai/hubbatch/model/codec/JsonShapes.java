package ai.hubbatch.model.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Names the shape of a JSON value for error messages ("a number", "an object with keys a, b"). */
public final class JsonShapes {

  private JsonShapes() {}

  public static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    switch (node.getNodeType()) {
      case STRING:
        return "a string";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      case ARRAY:
        return "a list of " + node.size();
      case OBJECT:
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys.isEmpty()
            ? "an empty object"
            : "an object with keys " + String.join(", ", keys);
      default:
        return node.getNodeType().toString().toLowerCase();
    }
  }
}
