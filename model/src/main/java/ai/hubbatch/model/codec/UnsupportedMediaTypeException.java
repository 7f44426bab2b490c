package ai.hubbatch.model.codec;

import java.util.List;

/**
 * A Content-Type or Accept that is not in {@link MediaType}'s table. The message lists the types
 * that are; {@link #value()} is the header as sent, for the toolkit's own error text.
 */
public final class UnsupportedMediaTypeException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String value;

  UnsupportedMediaTypeException(String value, String header, List<String> supported) {
    super(header + " '" + value + "' is not supported: use " + String.join(", ", supported));
    this.value = value;
  }

  /** The header value as sent. */
  public String value() {
    return value;
  }
}
