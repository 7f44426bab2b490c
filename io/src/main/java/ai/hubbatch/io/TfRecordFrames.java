package ai.hubbatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * TensorFlow TFRecord, SageMaker's {@code TFRecord} split type: each frame is a little-endian
 * 64-bit length, the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
 * A bad data checksum fails that record only; a bad length checksum means the frames can no longer
 * be found, which ends the object.
 */
final class TfRecordFrames extends FrameReader {

  private static final int MASK_DELTA = 0xa282ead8;

  TfRecordFrames(InputStream in, RecordLimit limit) {
    super(in, limit);
  }

  @Override
  protected Frame read(long number, long offset) throws IOException {
    byte[] header = upTo(12);
    if (header.length == 0) {
      return null;
    }
    if (header.length < 12) {
      throw new FormatException("The object ends inside a TFRecord header at offset " + offset);
    }
    if (unsignedIntLe(header, 8) != masked(header, 0, 8)) {
      throw new FormatException(
          "No TFRecord frame at offset " + offset + " (the length's checksum does not match)");
    }
    long length = (unsignedIntLe(header, 0) & 0xFFFFFFFFL) | (long) unsignedIntLe(header, 4) << 32;
    if (length > limit.bytes()) {
      byte[] start = bytes((int) Math.min(length, Text.PREVIEW), "a record");
      skip(length - start.length + 4, "a record");
      return new Frame(
          number, offset, null, Text.preview(start, 0, start.length) + "...", limit.reason());
    }
    byte[] data = bytes((int) length, "a record");
    byte[] crc = bytes(4, "a record's checksum");
    if (unsignedIntLe(crc, 0) != masked(data, 0, data.length)) {
      return new Frame(
          number,
          offset,
          null,
          Text.preview(data, 0, data.length),
          "TFRecord data checksum does not match: the record is corrupt");
    }
    return new Frame(number, offset, data, null, null);
  }

  /** TensorFlow's masked CRC-32C. */
  static int masked(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }
}
