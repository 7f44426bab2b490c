package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.model.codec.MediaType;
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
   * @throws IllegalArgumentException listing the types hubbatch reads
   */
  public static ContentType parse(String value) {
    return of(MediaType.contentType(value));
  }

  /**
   * Parses an {@code Accept}: JSON (also for {@code *}{@code /*}), JSON Lines or CSV.
   *
   * @throws IllegalArgumentException for any other type
   */
  public static ContentType parseAccept(String value) {
    return of(MediaType.accept(value));
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
