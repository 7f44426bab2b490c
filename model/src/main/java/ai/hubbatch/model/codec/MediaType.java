package ai.hubbatch.model.codec;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Content-Type or Accept value, read against hubbatch's one table of media types: the table and
 * the parser that batch records ({@code run}, {@code transform}) and {@code serve} bodies share, so
 * both take exactly the same types.
 *
 * <p>The table is the Inference Toolkit's (its decoders: JSON, CSV, the seven image types, the five
 * audio types) plus JSON Lines, which the toolkit refuses but a batch job needs. The type is
 * compared without its parameters and in any letter case, and a {@code charset} parameter says how
 * text is decoded (UTF-8 when none is); the toolkit compares the whole header, so {@code
 * application/json; charset=utf-8} is refused there. Names the toolkit does not know ({@code
 * image/jpg}, {@code audio/wav}) are refused here too, so a record that works with hubbatch works
 * with the toolkit.
 *
 * @param value the header as sent
 * @param type the type without parameters, lower-cased
 * @param charsetName the charset text is decoded with
 */
public record MediaType(String value, String type, String charsetName) implements Serializable {

  /** What a body or record of a media type is. */
  public enum Format {
    JSON,
    JSON_LINES,
    CSV,
    IMAGE,
    AUDIO;

    /** Whether bodies of this format are bytes (images, audio) rather than text. */
    public boolean binary() {
      return this == IMAGE || this == AUDIO;
    }
  }

  private static final Map<String, Format> TABLE = new LinkedHashMap<>();

  static {
    TABLE.put("application/json", Format.JSON);
    for (String lines : List.of("jsonlines", "x-jsonlines", "jsonl")) {
      TABLE.put("application/" + lines, Format.JSON_LINES);
    }
    TABLE.put("text/csv", Format.CSV);
    for (String image : List.of("jpeg", "png", "tiff", "bmp", "gif", "webp", "x-image")) {
      TABLE.put("image/" + image, Format.IMAGE);
    }
    for (String audio : List.of("x-flac", "mpeg", "wave", "ogg", "x-audio")) {
      TABLE.put("audio/" + audio, Format.AUDIO);
    }
  }

  /** {@code application/json}, the default of Content-Type and Accept. */
  public static final MediaType JSON =
      new MediaType("application/json", "application/json", StandardCharsets.UTF_8.name());

  /**
   * Parses a header value; the type need not be in the table ({@link #format()} says).
   *
   * @throws IllegalArgumentException for a charset Java does not know
   */
  public static MediaType parse(String value) {
    String[] parts = value.split(";");
    Charset charset = StandardCharsets.UTF_8;
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
        String name = parameter[1].trim().replace("\"", "");
        try {
          charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          throw new IllegalArgumentException("Unknown charset '" + name + "' in " + value);
        }
      }
    }
    return new MediaType(value, parts[0].trim().toLowerCase(Locale.ROOT), charset.name());
  }

  /**
   * Parses a Content-Type that must be in the table.
   *
   * @throws UnsupportedMediaTypeException for a type not in the table
   * @throws IllegalArgumentException for an unknown charset
   */
  public static MediaType contentType(String value) {
    MediaType type = parse(value);
    if (type.format().isEmpty()) {
      throw new UnsupportedMediaTypeException(value, "Content type", types(Format.values()));
    }
    return type;
  }

  /**
   * Parses an Accept: none, blank or {@code *}{@code /*} is JSON; otherwise JSON, JSON Lines or CSV
   * (hubbatch's responses are text). A list of types is not read, as the toolkit reads none.
   *
   * @throws UnsupportedMediaTypeException for any other type
   * @throws IllegalArgumentException for an unknown charset
   */
  public static MediaType accept(String value) {
    if (value == null || value.isBlank() || value.trim().equals("*/*")) {
      return JSON;
    }
    MediaType type = parse(value);
    if (type.format().isEmpty() || type.format().get().binary()) {
      throw new UnsupportedMediaTypeException(
          value, "Accept", types(Format.JSON, Format.JSON_LINES, Format.CSV));
    }
    return type;
  }

  /** The types of the table in these formats, in the table's order. */
  public static List<String> types(Format... formats) {
    List<Format> wanted = List.of(formats);
    List<String> types = new ArrayList<>();
    TABLE.forEach(
        (type, format) -> {
          if (wanted.contains(format)) {
            types.add(type);
          }
        });
    return List.copyOf(types);
  }

  /** What bodies of this type are; empty for a type that is not in the table. */
  public Optional<Format> format() {
    return Optional.ofNullable(TABLE.get(type));
  }

  public Charset charset() {
    return Charset.forName(charsetName);
  }

  /**
   * A body as text in this type's charset.
   *
   * @throws InvalidRequestException naming the first byte that is not valid in the charset, as
   *     Python's codec error does
   */
  public String text(byte[] body) {
    Charset charset = charset();
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
      throw new InvalidRequestException(
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

  @Override
  public String toString() {
    return type;
  }
}
