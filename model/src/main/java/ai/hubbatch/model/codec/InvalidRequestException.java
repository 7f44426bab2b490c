package ai.hubbatch.model.codec;

/**
 * A request the task cannot take: not JSON, a wrong shape, a bad parameter. The message is meant
 * for the user who wrote the record and names what was expected.
 */
public class InvalidRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }

  public InvalidRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
