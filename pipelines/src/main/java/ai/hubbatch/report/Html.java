package ai.hubbatch.report;

/**
 * A small HTML writer: elements with escaped text and attributes, so nothing a record, a file name
 * or a reason holds can become markup.
 */
final class Html {

  private final StringBuilder out = new StringBuilder(1 << 14);

  /** Opens an element; {@code attributes} are name, value pairs (a null value is left out). */
  Html open(String tag, String... attributes) {
    out.append('<').append(tag);
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      if (attributes[i + 1] != null) {
        out.append(' ').append(attributes[i]).append("=\"");
        escape(attributes[i + 1]);
        out.append('"');
      }
    }
    out.append('>');
    return this;
  }

  Html close(String tag) {
    out.append("</").append(tag).append('>');
    return this;
  }

  /** An element holding only text. */
  Html element(String tag, String text, String... attributes) {
    return open(tag, attributes).text(text).close(tag);
  }

  /** Escaped text. */
  Html text(String text) {
    escape(text == null ? "" : text);
    return this;
  }

  /** Markup written as it is: only for the page's own constant markup, CSS, script and SVG. */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  Html newline() {
    out.append('\n');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private void escape(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
  }

  /** {@code text} escaped for use in markup. */
  static String escaped(String text) {
    return new Html().text(text).toString();
  }
}
