package ai.hubbatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A typed Parquet column filled from part of each output's JSON, for tasks whose output has a fixed
 * shape (an embedding is {@code array<float>}; a classification's answer {@code array<struct<label,
 * score>>}).
 *
 * @param name the column name; for a struct's field, the field's name
 * @param type its type
 * @param pointer where in the output JSON the value is ({@code /embeddings}); for a struct's field,
 *     where in the struct's JSON object ({@code /label})
 * @param fields the fields of a {@link Type#STRUCT} or {@link Type#STRUCT_LIST}; empty otherwise
 */
public record ParquetColumn(String name, Type type, String pointer, List<ParquetColumn> fields)
    implements Serializable {

  /** Column types. */
  public enum Type {
    FLOAT_VECTOR,
    FLOAT_MATRIX,
    STRING,
    DOUBLE,
    LONG,
    /** Base64 text in the JSON, bytes in the column. */
    BASE64_BYTES,
    STRUCT,
    STRUCT_LIST
  }

  /** Avro names of struct records: their own namespace, as the row's. */
  private static final String NAMESPACE = "ai.hubbatch.io.parquet";

  /** A value whose JSON does not have the column's shape. */
  private static final Object MISFIT = new Object();

  public ParquetColumn {
    fields = List.copyOf(fields);
    boolean struct = type == Type.STRUCT || type == Type.STRUCT_LIST;
    if (struct == fields.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": " + (struct ? "a struct needs fields" : type + " has no fields"));
    }
  }

  /** A column that is not a struct. */
  public ParquetColumn(String name, Type type, String pointer) {
    this(name, type, pointer, List.of());
  }

  Schema schema() {
    return schema(name);
  }

  /** The schema, struct records named by their path from the column ({@code detections_box}). */
  private Schema schema(String path) {
    Schema floats = Schema.createArray(Schema.create(Schema.Type.FLOAT));
    return switch (type) {
      case FLOAT_VECTOR -> floats;
      case FLOAT_MATRIX -> Schema.createArray(floats);
      case STRING -> Schema.create(Schema.Type.STRING);
      case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
      case LONG -> Schema.create(Schema.Type.LONG);
      case BASE64_BYTES -> Schema.create(Schema.Type.BYTES);
      case STRUCT -> record(path);
      case STRUCT_LIST -> Schema.createArray(record(path));
    };
  }

  /** A struct's record: every field nullable, as a JSON null may fill it. */
  private Schema record(String path) {
    List<Schema.Field> avroFields = new ArrayList<>(fields.size());
    for (ParquetColumn field : fields) {
      avroFields.add(
          new Schema.Field(
              field.name(),
              nullable(field.schema(path + "_" + field.name())),
              null,
              JsonProperties.NULL_VALUE));
    }
    return Schema.createRecord(path, null, NAMESPACE, false, avroFields);
  }

  static Schema nullable(Schema schema) {
    return Schema.createUnion(Schema.create(Schema.Type.NULL), schema);
  }

  /**
   * The column's value for an output, or null when the output does not have this shape.
   *
   * @param schema the column's schema ({@link #schema()}), which struct values are built with
   */
  Object value(JsonNode output, Schema schema) {
    Object value = convert(output.at(pointer), schema);
    return value == MISFIT ? null : value;
  }

  /** The value of a JSON node, null for JSON null, {@link #MISFIT} when the shape differs. */
  private Object convert(JsonNode node, Schema schema) {
    if (node.isMissingNode()) {
      return MISFIT;
    }
    if (node.isNull()) {
      return null;
    }
    switch (type) {
      case FLOAT_VECTOR:
        return floats(node);
      case FLOAT_MATRIX:
        if (!node.isArray()) {
          return MISFIT;
        }
        List<List<Float>> rows = new ArrayList<>(node.size());
        for (JsonNode row : node) {
          Object values = floats(row);
          if (values == MISFIT) {
            return MISFIT;
          }
          @SuppressWarnings("unchecked")
          List<Float> floats = (List<Float>) values;
          rows.add(floats);
        }
        return rows;
      case STRING:
        return node.isTextual() ? node.asText() : MISFIT;
      case DOUBLE:
        return node.isNumber() ? node.asDouble() : MISFIT;
      case LONG:
        return node.canConvertToLong() && node.isIntegralNumber() ? node.asLong() : MISFIT;
      case BASE64_BYTES:
        if (!node.isTextual()) {
          return MISFIT;
        }
        try {
          return ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()));
        } catch (IllegalArgumentException e) {
          return MISFIT;
        }
      case STRUCT:
        return struct(node, schema);
      default:
        if (!node.isArray()) {
          return MISFIT;
        }
        List<Object> items = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          Object value = struct(item, schema.getElementType());
          if (value == MISFIT) {
            return MISFIT;
          }
          items.add(value);
        }
        return items;
    }
  }

  private Object struct(JsonNode node, Schema schema) {
    if (!node.isObject()) {
      return MISFIT;
    }
    GenericRecord record = new GenericData.Record(schema);
    for (ParquetColumn field : fields) {
      Schema fieldSchema = schema.getField(field.name()).schema().getTypes().get(1);
      Object value = field.convert(node.at(field.pointer()), fieldSchema);
      if (value == MISFIT) {
        return MISFIT;
      }
      record.put(field.name(), value);
    }
    return record;
  }

  private static Object floats(JsonNode node) {
    if (!node.isArray()) {
      return MISFIT;
    }
    List<Float> values = new ArrayList<>(node.size());
    for (JsonNode v : node) {
      if (!v.isNumber()) {
        return MISFIT;
      }
      values.add(v.floatValue());
    }
    return values;
  }
}
