package ai.hubbatch.serve;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * A Content-Type or Accept value: the type, lower-cased, and its {@code charset} parameter. The
 * toolkit compares the whole header with its table, so {@code application/json; charset=utf-8} is
 * refused there; hubbatch compares the type alone and decodes text in the charset named (UTF-8 when
 * none is).
 *
 * @param value the header as sent
 * @param type the type without parameters, lower-cased
 * @param charset the charset for text bodies
 */
record MediaType(String value, String type, Charset charset) {

  /**
   * Parses a header value.
   *
   * @throws ServeException 400 for a charset Java does not know
   */
  static MediaType parse(String value) {
    String[] parts = value.split(";");
    Charset charset = StandardCharsets.UTF_8;
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
        String name = parameter[1].trim().replace("\"", "");
        try {
          charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          throw ServeException.badRequest("Unknown charset '" + name + "' in " + value);
        }
      }
    }
    return new MediaType(value, parts[0].trim().toLowerCase(Locale.ROOT), charset);
  }

  /**
   * The body as text in this type's charset.
   *
   * @throws ServeException 400 naming the first byte that is not valid in the charset, as Python's
   *     codec error does
   */
  String text(byte[] body) {
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out =
        CharBuffer.allocate((int) (body.length * (double) decoder.maxCharsPerByte()) + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw ServeException.badRequest(
          String.format(
              Locale.ROOT,
              "'%s' codec can't decode byte 0x%02x in position %d",
              charset.name().toLowerCase(Locale.ROOT),
              body[in.position()] & 0xff,
              in.position()));
    }
    decoder.flush(out);
    return out.flip().toString();
  }
}
