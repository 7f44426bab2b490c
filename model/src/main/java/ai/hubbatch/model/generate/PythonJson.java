package ai.hubbatch.model.generate;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.util.Map;

/**
 * The {@code tojson} filter as transformers' chat templates have it: Python's {@code
 * json.dumps(value, ensure_ascii=False)} (separators ", " and ": ", keys in their order, non-ASCII
 * kept), or with {@code indent=n} one item per line. Jinjava's own tojson writes compact JSON.
 */
final class PythonJson implements AdvancedFilter {

  @Override
  public String getName() {
    return "tojson";
  }

  @Override
  public Object filter(
      Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
    Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
    StringBuilder out = new StringBuilder();
    write(value, indent == null ? -1 : ((Number) indent).intValue(), 0, out);
    return out.toString();
  }

  static void write(Object value, int indent, int depth, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(s, out);
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Number n) {
      out.append(n);
    } else if (value instanceof Map<?, ?> map) {
      container('{', '}', map.entrySet(), indent, depth, out);
    } else if (value instanceof Iterable<?> list) {
      container('[', ']', list, indent, depth, out);
    } else {
      string(value.toString(), out);
    }
  }

  private static void container(
      char open, char close, Iterable<?> items, int indent, int depth, StringBuilder out) {
    out.append(open);
    boolean first = true;
    for (Object item : items) {
      out.append(first ? "" : indent < 0 ? ", " : ",");
      first = false;
      if (indent >= 0) {
        out.append('\n').append(" ".repeat(indent * (depth + 1)));
      }
      if (item instanceof Map.Entry<?, ?> entry) {
        string(String.valueOf(entry.getKey()), out);
        out.append(": ");
        write(entry.getValue(), indent, depth + 1, out);
      } else {
        write(item, indent, depth + 1, out);
      }
    }
    if (indent >= 0 && !first) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
    out.append(close);
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
