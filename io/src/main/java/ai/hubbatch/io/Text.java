package ai.hubbatch.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding of records, and the previews kept of records that cannot be read. */
final class Text {

  static final String NOT_UTF8 = "Record is not valid UTF-8";

  /** Bytes of an unreadable record kept for the errors file. */
  static final int PREVIEW = 1024;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private Text() {}

  /** The text, or null if the bytes are not UTF-8. */
  static String strict(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Up to {@link #PREVIEW} bytes from {@code start} to {@code end}, bad bytes replaced. */
  static String preview(byte[] bytes, int start, int end) {
    return new String(
        bytes, start, Math.max(0, Math.min(end, start + PREVIEW) - start), StandardCharsets.UTF_8);
  }

  /** 3 if the bytes start with a UTF-8 byte order mark, else 0. */
  static int bomLength(byte[] bytes, int length) {
    return length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2]
        ? BOM.length
        : 0;
  }
}
