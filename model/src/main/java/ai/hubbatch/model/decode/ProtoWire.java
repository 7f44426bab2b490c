package ai.hubbatch.model.decode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Protocol Buffers' wire format, just what editing an ONNX file's graph takes without its schema: a
 * message read as its fields (where each lies in the buffer, nothing copied), and a message written
 * back from pieces (fields kept as they lay, fields made anew, nested messages) without building it
 * in memory first.
 */
final class ProtoWire {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH = 2;
  static final int FIXED32 = 5;

  private ProtoWire() {}

  /**
   * One field as it lies in a buffer.
   *
   * @param number the field number
   * @param type the wire type
   * @param varint a varint field's value
   * @param data the buffer
   * @param start where the field's encoding (its tag) starts
   * @param end where it ends
   * @param offset where a length-delimited or fixed field's value starts
   * @param length that value's length
   */
  record Field(
      int number, int type, long varint, byte[] data, int start, int end, int offset, int length) {

    String string() {
      return new String(data, offset, length, StandardCharsets.UTF_8);
    }

    List<Field> message() {
      return parse(data, offset, length);
    }

    /** The field as it lay. */
    Piece piece() {
      return new Slice(data, start, end - start);
    }
  }

  /** Reads a message's fields in order. */
  static List<Field> parse(byte[] data, int offset, int length) {
    List<Field> fields = new ArrayList<>();
    int[] at = {offset};
    int end = offset + length;
    while (at[0] < end) {
      int start = at[0];
      long tag = varint(data, at);
      int number = (int) (tag >>> 3);
      int type = (int) (tag & 7);
      switch (type) {
        case VARINT -> {
          long value = varint(data, at);
          fields.add(new Field(number, type, value, data, start, at[0], at[0], 0));
        }
        case FIXED64, FIXED32 -> {
          int size = type == FIXED64 ? 8 : 4;
          fields.add(new Field(number, type, 0, data, start, at[0] + size, at[0], size));
          at[0] += size;
        }
        case LENGTH -> {
          int size = Math.toIntExact(varint(data, at));
          fields.add(new Field(number, type, 0, data, start, at[0] + size, at[0], size));
          at[0] += size;
        }
        default -> throw new IllegalArgumentException("Unsupported wire type " + type);
      }
      if (at[0] > end) {
        throw new IllegalArgumentException("A field runs past its message");
      }
    }
    return fields;
  }

  private static long varint(byte[] data, int[] at) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = data[at[0]++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("Malformed varint");
  }

  /** Part of a message being written. */
  sealed interface Piece permits Slice, Made, Nested {
    long size();

    void write(OutputStream out) throws IOException;
  }

  /** Bytes kept from a buffer. */
  record Slice(byte[] data, int offset, int length) implements Piece {
    @Override
    public long size() {
      return length;
    }

    @Override
    public void write(OutputStream out) throws IOException {
      out.write(data, offset, length);
    }
  }

  /** Bytes made here. */
  record Made(byte[] bytes) implements Piece {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void write(OutputStream out) throws IOException {
      out.write(bytes);
    }
  }

  /** A length-delimited field whose value is a message made of pieces. */
  record Nested(int number, List<Piece> content) implements Piece {
    private long contentSize() {
      return content.stream().mapToLong(Piece::size).sum();
    }

    @Override
    public long size() {
      long length = contentSize();
      return varintSize(tag(number, LENGTH)) + varintSize(length) + length;
    }

    @Override
    public void write(OutputStream out) throws IOException {
      writeVarint(out, tag(number, LENGTH));
      writeVarint(out, contentSize());
      for (Piece piece : content) {
        piece.write(out);
      }
    }
  }

  static Piece string(int number, String value) {
    return bytes(number, value.getBytes(StandardCharsets.UTF_8));
  }

  static Piece bytes(int number, byte[] value) {
    return new Nested(number, List.of(new Made(value)));
  }

  static Piece varint(int number, long value) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      writeVarint(out, tag(number, VARINT));
      writeVarint(out, value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new Made(out.toByteArray());
  }

  private static long tag(int number, int type) {
    return ((long) number << 3) | type;
  }

  private static int varintSize(long value) {
    int size = 1;
    while ((value & ~0x7fL) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  private static void writeVarint(OutputStream out, long value) throws IOException {
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
