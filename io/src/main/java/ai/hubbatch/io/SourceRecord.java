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
 * One record read from an input file, or the reason it could not be read (not UTF-8, too long).
 *
 * @param file the {@link InputFile#index()} it came from
 * @param line its 1-based line number
 * @param text the record, or null when it could not be read
 * @param readError why it could not be read, or null
 */
public record SourceRecord(int file, long line, String text, String readError) {

  public static SourceRecord of(int file, long line, String text) {
    return new SourceRecord(file, line, text, null);
  }

  public static SourceRecord unreadable(int file, long line, String rawPreview, String reason) {
    return new SourceRecord(file, line, rawPreview, reason);
  }

  public boolean readable() {
    return readError == null;
  }

  /** Beam coder: the fields in order, strings nullable. */
  public static final class Coder extends AtomicCoder<SourceRecord> {
    private static final Coder INSTANCE = new Coder();
    private static final NullableCoder<String> STRING = NullableCoder.of(StringUtf8Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SourceRecord value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.file, out);
      VarLongCoder.of().encode(value.line, out);
      STRING.encode(value.text, out);
      STRING.encode(value.readError, out);
    }

    @Override
    public SourceRecord decode(InputStream in) throws IOException {
      return new SourceRecord(VarIntCoder.of().decode(in), VarLongCoder.of().decode(in),
          STRING.decode(in), STRING.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
