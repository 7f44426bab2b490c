package ai.hubbatch.model.generate;

import java.util.List;

/**
 * Stop strings, matched as transformers' {@code StopStringCriteria} matches them: a sequence stops
 * at the first token after which one of the strings occurs in its text, wherever the token
 * boundaries fall inside the string. The token that completes the match is kept whole, even when it
 * runs past the end of the string: transformers stops there and cuts nothing.
 *
 * <p>The text is the decoded generated tokens (decoded text, so a string made of byte-level pieces
 * or split across tokens matches as it reads). Immutable.
 */
public final class StopStrings {

  private final List<String> strings;

  public StopStrings(List<String> strings) {
    this.strings = List.copyOf(strings);
  }

  public boolean isEmpty() {
    return strings.isEmpty();
  }

  /**
   * Whether a stop string ends in the part of {@code text} that the last token added.
   *
   * @param previous the text before the last token
   * @param text the text with it
   */
  public boolean matches(String previous, String text) {
    int unchanged = commonPrefix(previous, text);
    for (String stop : strings) {
      // the match must end after the unchanged part: start the search where that is possible
      int from = Math.max(0, unchanged - stop.length() + 1);
      if (text.indexOf(stop, from) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }
}
