package ai.hubbatch.model.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The media items (images, recordings) of a request's {@code inputs}, as encoded bytes: a media
 * record's or body's bytes, a base64 string ({@code data:<type>;base64,} URLs included, as
 * transformers' {@code load_image} and {@code ffmpeg_read} callers take them), an object with the
 * item under the kind's field ({@code {"image": <base64>}}), or a list of those. An empty list is
 * no items, answered with an empty list, as the pipelines answer it.
 *
 * <p>URLs are refused, not fetched: a batch job must not reach hosts that its records name, and
 * file paths are refused for the same reason. A string that is not base64 is an error that says so.
 *
 * @param items the items' bytes, in order
 * @param list whether {@code inputs} was a list, which the response follows (one answer per item)
 */
public record MediaInputs(List<byte[]> items, boolean list) {

  /**
   * What a task's media items are, for its messages.
   *
   * @param noun one item, with its article ({@code an image})
   * @param field the key of the object form ({@code {"image": ...}}), or null for none
   * @param contentType the content type that sends files as media records
   */
  public record Kind(String noun, String field, String contentType) {

    public static final Kind IMAGE = new Kind("an image", "image", "image/x-image");
    public static final Kind RECORDING = new Kind("a recording", null, "audio/x-audio");
  }

  /** A URL scheme ({@code https:}, {@code s3:}, {@code file:}), as opposed to base64 text. */
  private static final Pattern URL =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  private static final Pattern DATA_URL =
      Pattern.compile("^data:[^,;]*(;[^,;]*)*;base64,", Pattern.CASE_INSENSITIVE);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /**
   * Reads the media items of {@code inputs}.
   *
   * @param task the task, for messages
   * @throws InvalidRequestException naming the input that is not an item and why
   */
  public static MediaInputs read(JsonNode inputs, String task, Kind kind) {
    if (inputs.isArray()) {
      List<byte[]> items = new ArrayList<>(inputs.size());
      for (int i = 0; i < inputs.size(); i++) {
        items.add(bytes(inputs.get(i), "inputs[" + i + "]", task, kind));
      }
      return new MediaInputs(items, true);
    }
    return new MediaInputs(List.of(bytes(inputs, "inputs", task, kind)), false);
  }

  private static byte[] bytes(JsonNode input, String where, String task, Kind kind) {
    if (input.isBinary()) {
      try {
        return input.binaryValue();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if (input.isTextual()) {
      return base64(input.asText(), where, task, kind);
    }
    if (kind.field() != null && input.isObject() && input.size() == 1 && input.has(kind.field())) {
      JsonNode item = input.get(kind.field());
      if (item.isTextual() || item.isBinary()) {
        return bytes(item, where + "." + kind.field(), task, kind);
      }
    }
    throw new InvalidRequestException(
        task
            + " expects \"inputs\" to be "
            + kind.noun()
            + " in base64, "
            + (kind.field() == null ? "" : "{\"" + kind.field() + "\": <base64>}, ")
            + "or a list of those, but "
            + where
            + " is "
            + JsonShapes.describe(input));
  }

  private static byte[] base64(String text, String where, String task, Kind kind) {
    String value = text.strip();
    if (URL.matcher(value).matches()) {
      String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
      throw new InvalidRequestException(
          task
              + ": "
              + where
              + " is a URL ("
              + shown
              + "); hubbatch does not fetch URLs named in records, so that a job reaches no host "
              + "its data names. Send the item itself: its bytes in base64, or the file as a "
              + "media record (--content-type "
              + kind.contentType()
              + ")");
    }
    if (value.regionMatches(true, 0, "data:", 0, 5)) {
      var prefix = DATA_URL.matcher(value);
      if (!prefix.find()) {
        throw new InvalidRequestException(
            task + ": " + where + " is a data URL without base64 data; send base64 data");
      }
      value = value.substring(prefix.end());
    }
    String compact = WHITESPACE.matcher(value).replaceAll("");
    boolean urlSafe = compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0;
    try {
      return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(compact);
    } catch (IllegalArgumentException e) {
      String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
      throw new InvalidRequestException(
          task
              + ": "
              + where
              + " is not "
              + kind.noun()
              + " in base64 ("
              + e.getMessage().toLowerCase(Locale.ROOT)
              + "), it starts \""
              + shown
              + "\". Send its bytes in base64; hubbatch does not read files named in records");
    }
  }
}
