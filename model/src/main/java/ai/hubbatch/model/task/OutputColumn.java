package ai.hubbatch.model.task;

import java.util.List;

/**
 * A typed column a task's outputs fill in columnar formats (Parquet), for tasks whose output has a
 * fixed shape. An output that does not fit is kept whole as JSON instead.
 *
 * @param name the column name (a field name, for a struct's field)
 * @param kind its type
 * @param pointer where in one output's JSON the value is (a JSON Pointer: {@code /embeddings}); for
 *     a struct's field, where in the struct's JSON object ({@code /label})
 * @param fields a struct's fields ({@link Kind#STRUCT}, {@link Kind#STRUCT_LIST}); empty otherwise
 */
public record OutputColumn(String name, Kind kind, String pointer, List<OutputColumn> fields) {

  /** Column types. */
  public enum Kind {
    /** {@code array<float>}. */
    FLOAT_VECTOR,
    /** {@code array<array<float>>}. */
    FLOAT_MATRIX,
    STRING,
    DOUBLE,
    LONG,
    /** Bytes the JSON carries as base64 text (a mask's PNG), stored as the bytes. */
    BASE64_BYTES,
    /** A JSON object, as a struct of its {@code fields}. */
    STRUCT,
    /** A JSON list of objects, as {@code array<struct>} of the {@code fields}. */
    STRUCT_LIST
  }

  public OutputColumn {
    fields = List.copyOf(fields);
    boolean struct = kind == Kind.STRUCT || kind == Kind.STRUCT_LIST;
    if (struct == fields.isEmpty()) {
      throw new IllegalArgumentException(
          name + ": " + (struct ? "a struct needs fields" : kind + " has no fields"));
    }
  }

  /** A column that is not a struct. */
  public OutputColumn(String name, Kind kind, String pointer) {
    this(name, kind, pointer, List.of());
  }

  /**
   * A list of objects ({@code [{"label": .., "score": ..}, ..]}) as {@code array<struct>}; a struct
   * field that is JSON null is null, a missing one means the output does not fit.
   */
  public static OutputColumn structList(String name, String pointer, OutputColumn... fields) {
    return new OutputColumn(name, Kind.STRUCT_LIST, pointer, List.of(fields));
  }

  /** An object as a struct of its fields. */
  public static OutputColumn struct(String name, String pointer, OutputColumn... fields) {
    return new OutputColumn(name, Kind.STRUCT, pointer, List.of(fields));
  }

  /**
   * A struct's field named as its JSON key: {@code field("label", STRING)} reads {@code /label}.
   */
  public static OutputColumn field(String key, Kind kind) {
    return new OutputColumn(key, kind, "/" + key);
  }
}
