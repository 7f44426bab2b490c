package ai.hubbatch.serve;

import java.nio.charset.StandardCharsets;

/**
 * A complete HTTP response: status, Content-Type and body.
 *
 * @param status the HTTP status
 * @param contentType the Content-Type header
 * @param body the bytes to send
 */
record HttpAnswer(int status, String contentType, byte[] body) {

  static HttpAnswer ok(String contentType, byte[] body) {
    return new HttpAnswer(200, contentType, body);
  }

  static HttpAnswer json(int status, String json) {
    return new HttpAnswer(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** The toolkit's error body for an exception, with secrets taken out of its message. */
  static HttpAnswer error(ServeException e, ServeSettings settings) {
    return error(e.status(), e.type(), settings.redact(String.valueOf(e.getMessage())));
  }

  static HttpAnswer error(int status, String type, String message) {
    return new HttpAnswer(status, "application/json", ErrorBodies.error(status, type, message));
  }
}
