package ai.hubbatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A typed Parquet column filled from part of each output's JSON, for tasks whose output has a fixed
 * shape (an embedding is {@code array<float>}).
 *
 * @param name the column name
 * @param type its type
 * @param pointer where in the output JSON the value is ({@code /embeddings})
 */
public record ParquetColumn(String name, Type type, String pointer) implements Serializable {

  /** Column types. */
  public enum Type {
    FLOAT_VECTOR,
    FLOAT_MATRIX,
    STRING,
    DOUBLE,
    LONG
  }

  Schema schema() {
    Schema floats = Schema.createArray(Schema.create(Schema.Type.FLOAT));
    switch (type) {
      case FLOAT_VECTOR:
        return floats;
      case FLOAT_MATRIX:
        return Schema.createArray(floats);
      case STRING:
        return Schema.create(Schema.Type.STRING);
      case DOUBLE:
        return Schema.create(Schema.Type.DOUBLE);
      default:
        return Schema.create(Schema.Type.LONG);
    }
  }

  /** The column's value for an output, or null when the output does not have this shape. */
  Object value(JsonNode output) {
    JsonNode node = output.at(pointer);
    switch (type) {
      case FLOAT_VECTOR:
        return floats(node);
      case FLOAT_MATRIX:
        if (!node.isArray()) {
          return null;
        }
        List<List<Float>> rows = new ArrayList<>(node.size());
        for (JsonNode row : node) {
          List<Float> values = floats(row);
          if (values == null) {
            return null;
          }
          rows.add(values);
        }
        return rows;
      case STRING:
        return node.isTextual() ? node.asText() : null;
      case DOUBLE:
        return node.isNumber() ? node.asDouble() : null;
      default:
        return node.canConvertToLong() && node.isIntegralNumber() ? node.asLong() : null;
    }
  }

  private static List<Float> floats(JsonNode node) {
    if (!node.isArray()) {
      return null;
    }
    List<Float> values = new ArrayList<>(node.size());
    for (JsonNode v : node) {
      if (!v.isNumber()) {
        return null;
      }
      values.add(v.floatValue());
    }
    return values;
  }
}
