package ai.hubbatch.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * MXNet RecordIO, SageMaker's {@code RecordIO} split type: each frame is the magic number {@code
 * 0xced7230a}, a little-endian word holding a 3-bit continuation flag and a 29-bit length, the
 * data, and padding to a multiple of 4 bytes. A record whose data holds the magic number is written
 * as several frames (flag 1 first, 2 middle, 3 last) and read back joined with the magic number
 * between the parts, as MXNet's reader does.
 */
final class RecordIoFrames extends FrameReader {

  static final int MAGIC = 0xced7230a;
  private static final int LENGTH_MASK = (1 << 29) - 1;

  RecordIoFrames(InputStream in, RecordLimit limit) {
    super(in, limit);
  }

  @Override
  protected Frame read(long number, long offset) throws IOException {
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    long size = 0;
    String preview = null; // set once the record is over the limit: the rest is skipped
    boolean first = true;
    while (true) {
      byte[] header = first ? upTo(8) : bytes(8, "a multi-part record");
      if (header.length == 0) {
        return null;
      }
      if (header.length < 8) {
        throw new FormatException("The object ends inside a RecordIO header at offset " + offset);
      }
      if (unsignedIntLe(header, 0) != MAGIC) {
        throw new FormatException(
            "No RecordIO frame at offset " + offset + " (the magic number 0xced7230a is missing)");
      }
      int word = unsignedIntLe(header, 4);
      int flag = word >>> 29;
      int length = word & LENGTH_MASK;
      if (first ? flag != 0 && flag != 1 : flag != 2 && flag != 3) {
        throw new FormatException(
            "RecordIO frame at offset "
                + offset
                + " has continuation flag "
                + flag
                + " out of sequence");
      }
      int padding = (4 - length % 4) % 4;
      size += length + (first ? 0 : 4);
      if (preview == null && size > limit.bytes()) {
        byte[] head = bytes(Math.min(length, Text.PREVIEW), "a record");
        record.write(head);
        byte[] start = record.toByteArray();
        preview = Text.preview(start, 0, start.length) + "...";
        skip(length - head.length + padding, "a record");
        record = null;
      } else if (preview != null) {
        skip(length + padding, "a record");
      } else {
        if (!first) {
          writeMagic(record);
        }
        record.write(bytes(length, "a record"));
        skip(padding, "a record's padding");
      }
      first = false;
      if (flag == 0 || flag == 3) {
        break;
      }
    }
    return preview != null
        ? new Frame(number, offset, null, preview, limit.reason())
        : new Frame(number, offset, record.toByteArray(), null, null);
  }

  private static void writeMagic(ByteArrayOutputStream out) {
    for (int shift = 0; shift < 32; shift += 8) {
      out.write(MAGIC >>> shift);
    }
  }
}
