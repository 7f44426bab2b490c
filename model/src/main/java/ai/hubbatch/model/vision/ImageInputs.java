package ai.hubbatch.model.vision;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The images of a request's {@code inputs}, as bytes: a media record's or body's bytes, a base64
 * string ({@code data:image/...;base64,} URLs included, as transformers' {@code load_image} takes
 * them), {@code {"image": <base64>}}, or a list of those.
 *
 * <p>URLs are refused, not fetched: a batch job must not reach hosts that its records name, and
 * file paths are refused for the same reason. A string that is not base64 is an error that says so.
 *
 * @param images the images' bytes, in order
 * @param list whether {@code inputs} was a list, which the response follows (one answer per image)
 */
record ImageInputs(List<byte[]> images, boolean list) {

  /** A URL scheme ({@code https:}, {@code s3:}, {@code file:}), as opposed to base64 text. */
  private static final Pattern URL =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  private static final Pattern DATA_URL =
      Pattern.compile("^data:[^,;]*(;[^,;]*)*;base64,", Pattern.CASE_INSENSITIVE);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /**
   * Reads the images of {@code inputs}.
   *
   * @param task the task, for messages
   * @throws InvalidRequestException naming the input that is not an image and why
   */
  static ImageInputs read(JsonNode inputs, String task) {
    if (inputs.isArray()) {
      List<byte[]> images = new ArrayList<>(inputs.size());
      for (int i = 0; i < inputs.size(); i++) {
        images.add(bytes(inputs.get(i), "inputs[" + i + "]", task));
      }
      return new ImageInputs(images, true);
    }
    return new ImageInputs(List.of(bytes(inputs, "inputs", task)), false);
  }

  private static byte[] bytes(JsonNode input, String where, String task) {
    if (input.isBinary()) {
      try {
        return input.binaryValue();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if (input.isTextual()) {
      return base64(input.asText(), where, task);
    }
    if (input.isObject() && input.size() == 1 && input.has("image")) {
      JsonNode image = input.get("image");
      if (image.isTextual() || image.isBinary()) {
        return bytes(image, where + ".image", task);
      }
    }
    throw new InvalidRequestException(
        task
            + " expects \"inputs\" to be an image in base64, {\"image\": <base64>}, or a list of "
            + "those, but "
            + where
            + " is "
            + JsonShapes.describe(input));
  }

  private static byte[] base64(String text, String where, String task) {
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
              + "its data names. Send the image itself: its bytes in base64, or the file as a "
              + "media record (--content-type image/x-image)");
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
              + " is not an image in base64 ("
              + e.getMessage().toLowerCase(Locale.ROOT)
              + "), it starts \""
              + shown
              + "\". Send the image's bytes in base64; hubbatch does not read files named in "
              + "records");
    }
  }
}
