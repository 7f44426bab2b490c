package ai.hubbatch.model.speech;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The recordings of a request's {@code inputs}, as encoded bytes: a media record's or body's bytes,
 * a base64 string ({@code data:audio/...;base64,} URLs included), or a list of those.
 *
 * <p>URLs and file paths are refused, not fetched: a batch job must not reach hosts or files its
 * records name. A string that is not base64 is an error that says so.
 *
 * @param recordings the recordings' bytes, in order
 * @param list whether {@code inputs} was a list, which the response follows (one answer each)
 */
record AudioInputs(List<byte[]> recordings, boolean list) {

  private static final Pattern URL =
      Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);
  private static final Pattern DATA_URL =
      Pattern.compile("^data:[^,;]*(;[^,;]*)*;base64,", Pattern.CASE_INSENSITIVE);
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /**
   * Reads the recordings of {@code inputs}.
   *
   * @param task the task, for messages
   * @throws InvalidRequestException naming the input that is not a recording and why
   */
  static AudioInputs read(JsonNode inputs, String task) {
    if (inputs.isArray()) {
      if (inputs.isEmpty()) {
        throw new InvalidRequestException(task + ": \"inputs\" is an empty list");
      }
      List<byte[]> recordings = new ArrayList<>(inputs.size());
      for (int i = 0; i < inputs.size(); i++) {
        recordings.add(bytes(inputs.get(i), "inputs[" + i + "]", task));
      }
      return new AudioInputs(recordings, true);
    }
    return new AudioInputs(List.of(bytes(inputs, "inputs", task)), false);
  }

  private static byte[] bytes(JsonNode input, String where, String task) {
    if (input.isBinary()) {
      try {
        return input.binaryValue();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if (input.isTextual()) {
      return base64(input.asText(), where, task);
    }
    throw new InvalidRequestException(
        task
            + " expects \"inputs\" to be a recording's bytes in base64 or a list of those, but "
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
              + "); hubbatch does not fetch URLs named in records. Send the recording itself: its"
              + " bytes in base64, or the file as a media record (--content-type audio/x-audio)");
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
              + " is not a recording in base64 ("
              + e.getMessage()
              + "), it starts \""
              + shown
              + "\". Send the recording's bytes in base64; hubbatch does not read files named in"
              + " records");
    }
  }
}
