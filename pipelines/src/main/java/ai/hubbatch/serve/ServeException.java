package ai.hubbatch.serve;

/**
 * A request the server answers with an error: the HTTP status and the {@code type} of the toolkit's
 * error body, which is the simple name of the model server's exception class.
 */
final class ServeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The type of every error from decoding, prediction and encoding, as the toolkit has it. */
  static final String PREDICTION = "InternalServerException";

  private final int status;
  private final String type;

  ServeException(int status, String type, String message) {
    super(message);
    this.status = status;
    this.type = type;
  }

  /** A 400 from the request's content, as the toolkit answers every handler error. */
  static ServeException badRequest(String message) {
    return new ServeException(400, PREDICTION, message);
  }

  /**
   * The toolkit's error for a Content-Type or Accept it has no decoder or encoder for, word for
   * word (sagemaker-inference-toolkit's {@code UnsupportedFormatError}, typo included).
   */
  static ServeException unsupportedFormat(String type) {
    return badRequest(
        "Content type "
            + type
            + " is not supported by this framework.\n\n"
            + "            Please implement input_fn to to deserialize the request data or an "
            + "output_fn to\n"
            + "            serialize the response. For more information, see the SageMaker Python "
            + "SDK README.");
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }
}
