package ai.hubbatch.model.image;

import ai.hubbatch.model.codec.InvalidRequestException;

/**
 * Bytes that are not an image this project decodes, or an image it refuses (too many pixels). The
 * message names the problem for the user who sent the record.
 */
public final class InvalidImageException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  public InvalidImageException(String message) {
    super(message);
  }

  public InvalidImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
