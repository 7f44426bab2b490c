package ai.hubbatch.model.task;

/**
 * A typed column a task's outputs fill in columnar formats (Parquet), for tasks whose output has a
 * fixed shape. An output that does not fit is kept whole as JSON instead.
 *
 * @param name the column name
 * @param kind its type
 * @param pointer where in one output's JSON the value is (a JSON Pointer: {@code /embeddings})
 */
public record OutputColumn(String name, Kind kind, String pointer) {

  /** Column types. */
  public enum Kind {
    /** {@code array<float>}. */
    FLOAT_VECTOR,
    /** {@code array<array<float>>}. */
    FLOAT_MATRIX,
    STRING,
    DOUBLE,
    LONG
  }
}
