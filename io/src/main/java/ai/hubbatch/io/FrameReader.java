package ai.hubbatch.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts a binary stream into records: the whole stream, RecordIO frames or TFRecord frames. A record
 * over the limit is skipped and reported, never held; a frame that breaks the format is reported
 * once, with its offset, and ends the object, since nothing after it can be framed.
 */
abstract class FrameReader {

  /**
   * One record: its bytes, or why it has none.
   *
   * @param number 1-based position in the object
   * @param offset byte offset of its frame in the (decompressed) object
   * @param bytes the record, or null
   * @param preview for an error, the start of the record as text; else null
   * @param error why there are no bytes, or null
   */
  record Frame(long number, long offset, byte[] bytes, String preview, String error) {}

  private final InputStream in;
  protected final RecordLimit limit;
  private long position;
  private long number;
  private boolean broken;

  FrameReader(InputStream in, RecordLimit limit) {
    this.in = in;
    this.limit = limit;
  }

  static FrameReader of(SplitType split, InputStream in, RecordLimit limit) {
    switch (split) {
      case NONE:
        return new WholeObject(in, limit);
      case RECORD_IO:
        return new RecordIoFrames(in, limit);
      case TF_RECORD:
        return new TfRecordFrames(in, limit);
      default:
        throw new IllegalArgumentException(split + " is not a frame format");
    }
  }

  /** The next record, or null at the end. */
  final Frame next() throws IOException {
    if (broken) {
      return null;
    }
    long start = position;
    try {
      Frame frame = read(number + 1, start);
      if (frame != null) {
        number++;
      }
      return frame;
    } catch (FormatException e) {
      broken = true;
      number++;
      return new Frame(number, start, null, null, e.getMessage());
    }
  }

  /** The number of the last record returned. */
  final long number() {
    return number;
  }

  /** The offset reached. */
  final long position() {
    return position;
  }

  /** Reads one frame at {@code offset}, or returns null at a clean end of the stream. */
  protected abstract Frame read(long number, long offset) throws IOException;

  /** Reads exactly {@code n} bytes; the stream ending first breaks the format. */
  protected final byte[] bytes(int n, String what) throws IOException {
    byte[] bytes = in.readNBytes(n);
    position += bytes.length;
    if (bytes.length < n) {
      throw new FormatException("The object ends inside " + what + " at offset " + position);
    }
    return bytes;
  }

  /** Reads up to {@code n} bytes, fewer only at the end of the stream. */
  protected final byte[] upTo(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    position += bytes.length;
    return bytes;
  }

  protected final void skip(long n, String what) throws IOException {
    try {
      in.skipNBytes(n);
      position += n;
    } catch (EOFException e) {
      throw new FormatException("The object ends inside " + what);
    }
  }

  protected final int unsignedIntLe(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }

  /** A frame that is not in the format: the rest of the object cannot be split. */
  static final class FormatException extends IOException {
    FormatException(String message) {
      super(message);
    }
  }

  /** SplitType None: the object is one record. */
  static final class WholeObject extends FrameReader {
    WholeObject(InputStream in, RecordLimit limit) {
      super(in, limit);
    }

    @Override
    protected Frame read(long number, long offset) throws IOException {
      if (number > 1) {
        return null;
      }
      byte[] bytes = upTo((int) Math.min(Integer.MAX_VALUE - 8, limit.bytes() + 1));
      if (bytes.length == 0) {
        return null;
      }
      if (bytes.length > limit.bytes()) {
        // The object is the only record: the rest need not be read at all.
        return new Frame(
            number, offset, null, Text.preview(bytes, 0, bytes.length) + "...", limit.reason());
      }
      return new Frame(number, offset, bytes, null, null);
    }
  }
}
