package ai.hubbatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines at {@code \n} (dropping a trailing {@code \r}) and decodes each as
 * strict UTF-8, so one bad line becomes one error instead of failing the file. Lines longer than
 * the limit are skipped to their end and reported, never held in memory.
 */
final class LineReader {

  /** One line: its text, or why it has none. */
  record Line(long number, String text, String error) {}

  private final InputStream in;
  private final RecordLimit limit;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int end;
  private long number;
  private boolean eof;

  LineReader(InputStream in, RecordLimit limit) {
    this.in = in;
    this.limit = limit;
  }

  /** The number of the last line returned. */
  long number() {
    return number;
  }

  /** The next line, or null at the end of the stream. */
  Line next() throws IOException {
    byte[] line = new byte[256];
    int length = 0;
    boolean tooLong = false;
    boolean any = false;
    while (true) {
      if (position == end && !fill()) {
        if (!any) {
          return null;
        }
        break;
      }
      any = true;
      int newline = indexOf((byte) '\n');
      int stop = newline < 0 ? end : newline;
      int chunk = stop - position;
      if (!tooLong) {
        if (length + chunk > limit.bytes()) {
          tooLong = true;
          // Keep a preview for the error record; the rest is skipped without being stored.
          int keep = Math.max(0, Math.min(chunk, Text.PREVIEW - length));
          line = ensure(line, length + keep);
          System.arraycopy(buffer, position, line, length, keep);
          length += keep;
        } else {
          line = ensure(line, length + chunk);
          System.arraycopy(buffer, position, line, length, chunk);
          length += chunk;
        }
      }
      position = stop;
      if (newline >= 0) {
        position++;
        break;
      }
    }
    number++;
    int start = number == 1 ? Text.bomLength(line, length) : 0;
    if (!tooLong && length > start && line[length - 1] == '\r') {
      length--;
    }
    if (tooLong) {
      return new Line(number, Text.preview(line, start, length) + "...", limit.reason());
    }
    String text = Text.strict(line, start, length - start);
    return text == null
        ? new Line(number, Text.preview(line, start, length), Text.NOT_UTF8)
        : new Line(number, text, null);
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int read = in.readNBytes(buffer, 0, buffer.length);
    position = 0;
    end = read;
    if (read < buffer.length) {
      eof = true;
    }
    return read > 0;
  }

  private int indexOf(byte b) {
    for (int i = position; i < end; i++) {
      if (buffer[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] ensure(byte[] array, int size) {
    return size <= array.length ? array : Arrays.copyOf(array, Math.max(size, array.length * 2));
  }
}
