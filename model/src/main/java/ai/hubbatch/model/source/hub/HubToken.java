package ai.hubbatch.model.source.hub;

import ai.hubbatch.model.config.ConfigurationException;
import java.util.Objects;

/**
 * A Hub access token. It only ever leaves this object as an {@code Authorization} header to the
 * Hub's own host; {@link #toString()} names where it came from, never its value, so the token
 * cannot reach a log line, a message or an exception by accident.
 */
public final class HubToken {

  private final String value;
  private final String source;

  /**
   * @param value the token
   * @param source where it came from, for messages (an environment variable's name)
   */
  public HubToken(String value, String source) {
    this.value = Objects.requireNonNull(value, "value").trim();
    this.source = Objects.requireNonNull(source, "source");
    if (this.value.isEmpty()) {
      throw new ConfigurationException("The token in " + source + " is empty");
    }
  }

  /** Where the token came from, for messages: an environment variable's name. */
  public String source() {
    return source;
  }

  /** The {@code Authorization} header value. */
  String bearer() {
    return "Bearer " + value;
  }

  /** The text with every occurrence of the token replaced by {@code ***}. */
  String mask(String text) {
    return text.replace(value, "***");
  }

  @Override
  public String toString() {
    return "HubToken[from " + source + "]";
  }
}
