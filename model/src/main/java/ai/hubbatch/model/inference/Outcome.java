package ai.hubbatch.model.inference;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** The result of one request: a response, or the reason there is none. */
public final class Outcome {

  private final JsonNode response;
  private final String error;

  private Outcome(JsonNode response, String error) {
    this.response = response;
    this.error = error;
  }

  public static Outcome success(JsonNode response) {
    return new Outcome(Objects.requireNonNull(response), null);
  }

  public static Outcome failure(String error) {
    return new Outcome(null, Objects.requireNonNull(error));
  }

  public boolean isSuccess() {
    return response != null;
  }

  /** The response; only for a success. */
  public JsonNode response() {
    if (response == null) {
      throw new IllegalStateException("No response: " + error);
    }
    return response;
  }

  /** Why the request failed; only for a failure. */
  public String error() {
    if (error == null) {
      throw new IllegalStateException("The request succeeded");
    }
    return error;
  }

  @Override
  public String toString() {
    return isSuccess() ? "success " + response : "failure: " + error;
  }
}
