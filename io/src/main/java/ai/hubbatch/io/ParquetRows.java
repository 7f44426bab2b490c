package ai.hubbatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Streams an input's output parts, each sorted as it is read, into one Parquet file through {@link
 * ParquetIO}'s sink: {@code source_file}, {@code source_line}, the typed columns, and {@code
 * output} (the whole JSON when the typed columns cannot hold it).
 */
final class ParquetRows {

  /** Avro record name; its own namespace so it never collides with a Java class name. */
  private static final String RECORD = "PredictionRow";

  private static final String NAMESPACE = "ai.hubbatch.io.parquet";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ParquetRows() {}

  static Schema schema(List<ParquetColumn> columns) {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record(RECORD)
            .namespace(NAMESPACE)
            .fields()
            .requiredString("source_file")
            .requiredLong("source_line");
    for (ParquetColumn column : columns) {
      fields = fields.name(column.name()).type(nullable(column.schema())).withDefault(null);
    }
    return fields
        .name("output")
        .type(nullable(Schema.create(Schema.Type.STRING)))
        .withDefault(null)
        .endRecord();
  }

  static void write(
      ResourceId file, InputFile input, List<ParquetColumn> columns, List<String> parts)
      throws IOException {
    Schema schema = schema(columns);
    ParquetIO.Sink sink = ParquetIO.sink(schema).withCompressionCodec(CompressionCodecName.GZIP);
    try (WritableByteChannel channel = FileSystems.create(file, "application/octet-stream")) {
      sink.open(channel);
      for (String part : parts) {
        PartFile.readSorted(
            part,
            record -> {
              if (!record.isError()) {
                sink.write(row(schema, columns, input.source(), record.line(), record.output()));
              }
            });
      }
      sink.flush();
    }
  }

  private static GenericRecord row(
      Schema schema, List<ParquetColumn> columns, String source, long line, String json)
      throws IOException {
    GenericRecord row = new GenericData.Record(schema);
    row.put("source_file", source);
    row.put("source_line", line);
    JsonNode output = JSON.readTree(json);
    boolean typed = !columns.isEmpty();
    List<Object> values = new ArrayList<>(columns.size());
    for (ParquetColumn column : columns) {
      Schema type = schema.getField(column.name()).schema().getTypes().get(1);
      Object value = column.value(output, type);
      typed &= value != null;
      values.add(value);
    }
    for (int i = 0; i < columns.size(); i++) {
      row.put(columns.get(i).name(), typed ? values.get(i) : null);
    }
    row.put("output", typed ? null : json);
    return row;
  }

  private static Schema nullable(Schema schema) {
    return ParquetColumn.nullable(schema);
  }
}
