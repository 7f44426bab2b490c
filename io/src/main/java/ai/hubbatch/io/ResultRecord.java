package ai.hubbatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The outcome for one input record: its output, or an error with the reason and the raw record.
 *
 * @param file the {@link InputFile#index()} the record came from
 * @param line the record's 1-based position in its object (see {@link SourceRecord#line()})
 * @param offset the record's byte offset, or -1 for a line-split record
 * @param output the output as it goes into the object's output (one JSON value, one CSV row), or
 *     null for an error
 * @param error why there is no output, or null
 * @param raw the input record as read (null for binary records), kept for errors only
 */
public record ResultRecord(
    int file, long line, long offset, String output, String error, String raw) {

  public static ResultRecord output(int file, long line, String output) {
    return new ResultRecord(file, line, -1, output, null, null);
  }

  public static ResultRecord error(int file, long line, String reason, String raw) {
    return new ResultRecord(file, line, -1, null, reason, raw);
  }

  /** The output of a record. */
  public static ResultRecord output(SourceRecord record, String output) {
    return new ResultRecord(record.file(), record.line(), record.offset(), output, null, null);
  }

  /** The failure of a record, which keeps its text for the errors file. */
  public static ResultRecord error(SourceRecord record, String reason) {
    return new ResultRecord(
        record.file(), record.line(), record.offset(), null, reason, record.text());
  }

  /**
   * The end of an input's results: after every result of the input, in the same bundle. The sink
   * commits an input when its end arrives ({@link ResultsIO}). Real records are numbered from 1;
   * the end is number 0.
   */
  public static ResultRecord end(int file) {
    return new ResultRecord(file, 0, -1, null, null, null);
  }

  /** The end of an input's results (see {@link SourceRecord#end}). */
  public static ResultRecord end(SourceRecord end) {
    return end(end.file());
  }

  /** Whether this is {@link #end(int)}, no record. */
  public boolean isEnd() {
    return line == 0;
  }

  public boolean isError() {
    return error != null;
  }

  /** Beam coder: the fields in order, strings nullable. */
  public static final class Coder extends AtomicCoder<ResultRecord> {
    private static final Coder INSTANCE = new Coder();
    private static final NullableCoder<String> STRING = NullableCoder.of(StringUtf8Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ResultRecord value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.file, out);
      VarLongCoder.of().encode(value.line, out);
      VarLongCoder.of().encode(value.offset, out);
      STRING.encode(value.output, out);
      STRING.encode(value.error, out);
      STRING.encode(value.raw, out);
    }

    @Override
    public ResultRecord decode(InputStream in) throws IOException {
      return new ResultRecord(
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          STRING.decode(in),
          STRING.decode(in),
          STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
