package ai.hubbatch.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of JSON values, for the places where the toolkit writes
 * a value as Python prints it (CSV cells holding a list or a dict).
 */
final class PythonText {

  private PythonText() {}

  /** {@code str(value)}: strings bare, everything else as {@link #repr}. */
  static String str(JsonNode value) {
    return value.isTextual() ? value.asText() : repr(value);
  }

  /** {@code repr(value)}: {@code True}, {@code None}, {@code 'text'}, {@code [1, 2]}, ... */
  static String repr(JsonNode value) {
    if (value.isTextual()) {
      return repr(value.asText());
    }
    if (value.isBoolean()) {
      return value.asBoolean() ? "True" : "False";
    }
    if (value.isNull() || value.isMissingNode()) {
      return "None";
    }
    if (value.isArray()) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < value.size(); i++) {
        out.append(i > 0 ? ", " : "").append(repr(value.get(i)));
      }
      return out.append(']').toString();
    }
    if (value.isObject()) {
      StringBuilder out = new StringBuilder("{");
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(repr(field.getKey())).append(": ").append(repr(field.getValue()));
        out.append(fields.hasNext() ? ", " : "");
      }
      return out.append('}').toString();
    }
    return value.toString();
  }

  /** A string literal as Python writes it: single quotes unless the text holds only those. */
  static String repr(String text) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(quote);
    for (char c : text.toCharArray()) {
      if (c == quote || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append(c);
      }
    }
    return out.append(quote).toString();
  }
}
