package ai.hubbatch.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.nio.charset.StandardCharsets;

/**
 * The JSON bodies the toolkit's model server (MMS) writes itself: errors and {@code /ping}. MMS
 * writes them with Gson's pretty printer (2-space indent, HTML characters escaped as {@code \u003d}
 * and friends) and a trailing newline; the same Gson call gives the same bytes.
 */
final class ErrorBodies {

  private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().create();

  private ErrorBodies() {}

  /** {@code {"code": .., "type": .., "message": ..}}. */
  static byte[] error(int code, String type, String message) {
    return write(new ErrorResponse(code, type, message));
  }

  /** {@code {"status": ..}}, as MMS answers {@code /ping}. */
  static byte[] status(String status) {
    return write(new StatusResponse(status));
  }

  private static byte[] write(Object body) {
    return (PRETTY.toJson(body) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Field order is the body's key order. */
  @SuppressWarnings("unused")
  private static final class ErrorResponse {
    private final int code;
    private final String type;
    private final String message;

    ErrorResponse(int code, String type, String message) {
      this.code = code;
      this.type = type;
      this.message = message;
    }
  }

  @SuppressWarnings("unused")
  private static final class StatusResponse {
    private final String status;

    StatusResponse(String status) {
      this.status = status;
    }
  }
}
