package ai.hubbatch.model.tokenize;

/**
 * A text indexed by Unicode code points, as Python indexes strings: tokenizer offsets and the
 * toolkit's {@code start}/{@code end} count code points, while Java strings count UTF-16 units.
 */
public final class CodePoints {

  private final String text;
  private final int[] charIndex; // code point i starts at text.charAt(charIndex[i])

  private CodePoints(String text) {
    this.text = text;
    int count = text.codePointCount(0, text.length());
    this.charIndex = new int[count + 1];
    int index = 0;
    for (int i = 0; i < count; i++) {
      charIndex[i] = index;
      index += Character.charCount(text.codePointAt(index));
    }
    charIndex[count] = text.length();
  }

  public static CodePoints of(String text) {
    return new CodePoints(text);
  }

  /** Length in code points. */
  public int length() {
    return charIndex.length - 1;
  }

  /** {@code text[start:end]} in Python terms, clamped to the text as Python slices are. */
  public String slice(int start, int end) {
    int from = Math.max(0, Math.min(start, length()));
    int to = Math.max(from, Math.min(end, length()));
    return text.substring(charIndex[from], charIndex[to]);
  }

  public String text() {
    return text;
  }
}
