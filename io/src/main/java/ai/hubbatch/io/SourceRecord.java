package ai.hubbatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One record read from an input object, or the reason it could not be read (not UTF-8, too long, a
 * broken frame, an object that cannot be read).
 *
 * @param file the {@link InputFile#index()} it came from
 * @param line its 1-based position in the object: the line number for line-split objects, the
 *     record's number otherwise; outputs are written in this order
 * @param offset the byte offset of its frame for RecordIO, TFRecord and whole objects; -1 for
 *     line-split objects, whose records are named by line
 * @param text the record as text, or null for a binary record or one that could not be read
 * @param data the record's bytes when the job reads binary records (images, audio), else null
 * @param header the object's header line when the reader was told to take one, else null
 * @param readError why it could not be read, or null; {@code text} then holds a preview
 */
public record SourceRecord(
    int file, long line, long offset, String text, byte[] data, String header, String readError) {

  /** A line of text. */
  public static SourceRecord of(int file, long line, String text) {
    return new SourceRecord(file, line, -1, text, null, null, null);
  }

  /** A line that could not be read. */
  public static SourceRecord unreadable(int file, long line, String rawPreview, String reason) {
    return new SourceRecord(file, line, -1, rawPreview, null, null, reason);
  }

  /** A framed record (RecordIO, TFRecord, a whole object) as text. */
  public static SourceRecord frame(int file, long number, long offset, String text) {
    return new SourceRecord(file, number, offset, text, null, null, null);
  }

  /** A framed record kept as bytes. */
  public static SourceRecord binary(int file, long number, long offset, byte[] data) {
    return new SourceRecord(file, number, offset, null, data, null, null);
  }

  /**
   * A whole object not read yet ({@link RecordsIO.Read#withDeferredObjects()}): no text, bytes or
   * error until {@link RecordsIO.ObjectLoader#load} reads it.
   */
  public static SourceRecord deferred(int file) {
    return new SourceRecord(file, 1, 0, null, null, null, null);
  }

  /** Whether this is a whole object that is still to be read. */
  public boolean deferred() {
    return text == null && data == null && readError == null;
  }

  /** A framed record that could not be read. */
  public static SourceRecord unreadableFrame(
      int file, long number, long offset, String rawPreview, String reason) {
    return new SourceRecord(file, number, offset, rawPreview, null, null, reason);
  }

  /**
   * The end of an input object: emitted after its last record, in the same bundle, by {@link
   * RecordsIO.Read#withEndMarkers()}, so what follows knows the object is done. Real records are
   * numbered from 1; the end is number 0.
   */
  public static SourceRecord end(int file) {
    return new SourceRecord(file, 0, -1, null, null, null, null);
  }

  /** Whether this is {@link #end(int)}, no record. */
  public boolean isEnd() {
    return line == 0;
  }

  /** This record with the object's header line. */
  public SourceRecord withHeader(String value) {
    return new SourceRecord(file, line, offset, text, data, value, readError);
  }

  public boolean readable() {
    return readError == null;
  }

  /** Whether the record is bytes rather than text. */
  public boolean binary() {
    return data != null;
  }

  /** Beam coder: the fields in order, the nullable ones marked. */
  public static final class Coder extends AtomicCoder<SourceRecord> {
    private static final Coder INSTANCE = new Coder();
    private static final NullableCoder<String> STRING = NullableCoder.of(StringUtf8Coder.of());
    private static final NullableCoder<byte[]> BYTES = NullableCoder.of(ByteArrayCoder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SourceRecord value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.file, out);
      VarLongCoder.of().encode(value.line, out);
      VarLongCoder.of().encode(value.offset, out);
      STRING.encode(value.text, out);
      BYTES.encode(value.data, out);
      STRING.encode(value.header, out);
      STRING.encode(value.readError, out);
    }

    @Override
    public SourceRecord decode(InputStream in) throws IOException {
      return new SourceRecord(
          VarIntCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in),
          STRING.decode(in),
          BYTES.decode(in),
          STRING.decode(in),
          STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
