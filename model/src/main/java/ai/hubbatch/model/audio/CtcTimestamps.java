package ai.hubbatch.model.audio;

import java.util.Locale;

/** The CTC pipeline's {@code return_timestamps}: none, per character or per word. */
public enum CtcTimestamps {
  NONE,
  CHAR,
  WORD;

  /**
   * The option as a request gives it: absent, {@code false}, {@code "char"} or {@code "word"}.
   *
   * @throws IllegalArgumentException for anything else (CTC has no segment timestamps: {@code true}
   *     is Whisper's)
   */
  public static CtcTimestamps parse(Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return NONE;
    }
    if (value instanceof String text) {
      switch (text.toLowerCase(Locale.ROOT)) {
        case "char":
          return CHAR;
        case "word":
          return WORD;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        "return_timestamps for a CTC model must be \"char\" or \"word\", got " + value);
  }
}
