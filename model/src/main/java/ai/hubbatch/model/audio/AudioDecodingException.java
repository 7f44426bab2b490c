package ai.hubbatch.model.audio;

import ai.hubbatch.model.codec.InvalidRequestException;

/**
 * Audio bytes that cannot be decoded: empty, not audio, cut short before any sample, or taking
 * longer than the decoder's deadline. The message names the problem for the record's author.
 */
public final class AudioDecodingException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  public AudioDecodingException(String message) {
    super(message);
  }

  public AudioDecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
