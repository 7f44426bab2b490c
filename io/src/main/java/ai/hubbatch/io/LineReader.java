package ai.hubbatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a stream into lines at {@code \n} (dropping a trailing {@code \r}) and decodes each as
 * strict UTF-8, so one bad line becomes one error instead of failing the file. Lines longer than
 * the limit are skipped to their end and reported, never held in memory.
 */
final class LineReader {

  /** One line: its text, or why it has none. */
  record Line(long number, String text, String error) {}

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final int PREVIEW = 1024;

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private long number;
  private boolean eof;

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line, or null at the end of the stream. */
  Line next() throws IOException {
    byte[] line = new byte[256];
    int length = 0;
    boolean tooLong = false;
    boolean any = false;
    while (true) {
      if (position == limit && !fill()) {
        if (!any) {
          return null;
        }
        break;
      }
      any = true;
      int newline = indexOf((byte) '\n');
      int end = newline < 0 ? limit : newline;
      int chunk = end - position;
      if (!tooLong) {
        if (length + chunk > maxBytes) {
          tooLong = true;
          // Keep a preview for the error record; the rest is skipped without being stored.
          int keep = Math.max(0, Math.min(chunk, PREVIEW - length));
          line = ensure(line, length + keep);
          System.arraycopy(buffer, position, line, length, keep);
          length += keep;
        } else {
          line = ensure(line, length + chunk);
          System.arraycopy(buffer, position, line, length, chunk);
          length += chunk;
        }
      }
      position = end;
      if (newline >= 0) {
        position++;
        break;
      }
    }
    number++;
    if (number == 1 && startsWithBom(line, length)) {
      line = Arrays.copyOfRange(line, BOM.length, length);
      length -= BOM.length;
    }
    if (!tooLong && length > 0 && line[length - 1] == '\r') {
      length--;
    }
    if (tooLong) {
      return new Line(number, lossy(line, length) + "...",
          "Record is longer than the limit of " + maxBytes + " bytes");
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line, 0, length))
          .toString();
      return new Line(number, text, null);
    } catch (CharacterCodingException e) {
      return new Line(number, lossy(line, Math.min(length, PREVIEW)), "Record is not valid UTF-8");
    }
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int read = in.readNBytes(buffer, 0, buffer.length);
    position = 0;
    limit = read;
    if (read < buffer.length) {
      eof = true;
    }
    return read > 0;
  }

  private int indexOf(byte b) {
    for (int i = position; i < limit; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] ensure(byte[] array, int size) {
    return size <= array.length ? array : Arrays.copyOf(array, Math.max(size, array.length * 2));
  }

  private static boolean startsWithBom(byte[] line, int length) {
    return length >= 3 && line[0] == BOM[0] && line[1] == BOM[1] && line[2] == BOM[2];
  }

  private static String lossy(byte[] bytes, int length) {
    return new String(bytes, 0, length, StandardCharsets.UTF_8);
  }
}
