package ai.hubbatch.model.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Float arrays as JSON lists, the way the toolkit's {@code tolist()} writes tensors. */
final class JsonArrays {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonArrays() {}

  static ArrayNode vector(float[] values) {
    ArrayNode array = NODES.arrayNode(values.length);
    for (float v : values) {
      array.add(v);
    }
    return array;
  }

  /** {@code rows x width} values, row-major, as a list of lists. */
  static ArrayNode matrix(float[] values, int rows, int width) {
    ArrayNode array = NODES.arrayNode(rows);
    for (int r = 0; r < rows; r++) {
      ArrayNode row = array.addArray();
      for (int i = 0; i < width; i++) {
        row.add(values[r * width + i]);
      }
    }
    return array;
  }
}
