package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.model.config.ConfigurationException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * A job's {@code ContentType} or {@code Accept}: the MIME type as given, and the record format it
 * names. Parameters such as {@code ; charset=utf-8} and letter case are accepted (the toolkit
 * refuses them); the image and audio types are the toolkit's.
 *
 * @param mime the type without parameters, lower case
 * @param format what records of this type are
 */
public record ContentType(String mime, Format format) implements Serializable {

  /** What a record of a content type is. */
  public enum Format {
    JSON,
    JSON_LINES,
    CSV,
    IMAGE,
    AUDIO
  }

  public static final ContentType JSON = new ContentType("application/json", Format.JSON);

  private static final List<String> IMAGES =
      List.of(
          "image/jpeg",
          "image/png",
          "image/tiff",
          "image/bmp",
          "image/gif",
          "image/webp",
          "image/x-image");
  private static final List<String> AUDIO =
      List.of(
          "audio/x-flac",
          "audio/flac",
          "audio/mpeg",
          "audio/wave",
          "audio/wav",
          "audio/ogg",
          "audio/x-audio");

  /**
   * Parses a {@code ContentType}.
   *
   * @throws IllegalArgumentException listing the types hubbatch reads
   */
  public static ContentType parse(String value) {
    String mime = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    switch (mime) {
      case "application/json":
        return JSON;
      case "application/jsonlines":
      case "application/x-jsonlines":
      case "application/jsonl":
        return new ContentType(mime, Format.JSON_LINES);
      case "text/csv":
        return new ContentType(mime, Format.CSV);
      default:
        if (IMAGES.contains(mime)) {
          return new ContentType(mime, Format.IMAGE);
        }
        if (AUDIO.contains(mime)) {
          return new ContentType(mime, Format.AUDIO);
        }
        throw new ConfigurationException(
            "Content type '"
                + value
                + "' is not supported: use "
                + "application/json, application/jsonlines, text/csv, "
                + String.join(", ", IMAGES)
                + " or "
                + String.join(", ", AUDIO));
    }
  }

  /**
   * Parses an {@code Accept}: JSON (also for {@code *}{@code /*}), JSON Lines or CSV.
   *
   * @throws IllegalArgumentException for any other type
   */
  public static ContentType parseAccept(String value) {
    if (value.trim().equals("*/*")) {
      return JSON;
    }
    ContentType type;
    try {
      type = parse(value);
    } catch (IllegalArgumentException e) {
      type = null;
    }
    if (type == null || type.binary()) {
      throw new ConfigurationException(
          "Accept '"
              + value
              + "' is not supported: use "
              + "application/json, application/jsonlines or text/csv");
    }
    return type;
  }

  /** Whether records are bytes (images, audio) rather than text. */
  public boolean binary() {
    return format == Format.IMAGE || format == Format.AUDIO;
  }

  /** Whether records are JSON values (JSON or JSON Lines). */
  public boolean json() {
    return format == Format.JSON || format == Format.JSON_LINES;
  }

  @Override
  public String toString() {
    return mime;
  }
}
