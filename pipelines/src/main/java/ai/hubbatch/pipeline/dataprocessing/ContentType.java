package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.model.codec.MediaType;
import ai.hubbatch.model.config.ConfigurationException;
import java.io.Serializable;

/**
 * A job's {@code ContentType} or {@code Accept}: the MIME type as given, and the record format it
 * names, read with the one media-type table and parser that {@code serve} uses too ({@link
 * MediaType}): parameters such as {@code ; charset=utf-8} and letter case are accepted (the toolkit
 * refuses them); the image and audio types are the toolkit's.
 *
 * @param mime the type without parameters, lower case
 * @param format what records of this type are
 */
public record ContentType(String mime, MediaType.Format format) implements Serializable {

  public static final ContentType JSON = of(MediaType.JSON);

  /**
   * Parses a {@code ContentType}.
   *
   * @throws ConfigurationException listing the types hubbatch reads
   */
  public static ContentType parse(String value) {
    try {
      return of(MediaType.contentType(value));
    } catch (IllegalArgumentException e) {
      throw configuration(e);
    }
  }

  /**
   * Parses an {@code Accept}: JSON (also for {@code *}{@code /*}), JSON Lines or CSV.
   *
   * @throws ConfigurationException for any other type
   */
  public static ContentType parseAccept(String value) {
    try {
      return of(MediaType.accept(value));
    } catch (IllegalArgumentException e) {
      throw configuration(e);
    }
  }

  /** A job's type is its configuration: the media-type table's refusal says so, with its text. */
  private static ConfigurationException configuration(IllegalArgumentException e) {
    return new ConfigurationException(e.getMessage(), e);
  }

  private static ContentType of(MediaType type) {
    return new ContentType(type.type(), type.format().orElseThrow());
  }

  /** Whether records are bytes (images, audio) rather than text. */
  public boolean binary() {
    return format.binary();
  }

  /** Whether records are JSON values (JSON or JSON Lines). */
  public boolean json() {
    return format == MediaType.Format.JSON || format == MediaType.Format.JSON_LINES;
  }

  @Override
  public String toString() {
    return mime;
  }
}
