package ai.hubbatch.model.generate;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods (and {@code dict.get} with a default) for Jinjava, which otherwise
 * offers Java's: Hub chat templates call {@code content.strip()}, {@code role.startswith('u')},
 * {@code text.split('</think>')[-1]} and the like, with Python's meaning (a literal separator, not
 * a regex). Resolves only those calls; everything else falls through to Jinjava's resolver.
 */
final class PythonStrings extends ELResolver {

  @Override
  public Object invoke(
      ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
    if (method == null) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result;
    if (base instanceof String s) {
      result = string(s, method.toString(), args);
    } else if (base instanceof Map<?, ?> map
        && method.toString().equals("get")
        && args.length == 2) {
      result = map.containsKey(args[0]) ? map.get(args[0]) : args[1];
    } else {
      return null;
    }
    if (result != UNRESOLVED) {
      context.setPropertyResolved(true);
      return result;
    }
    return null;
  }

  private static final Object UNRESOLVED = new Object();

  private static Object string(String s, String method, Object[] args) {
    return switch (method) {
      case "strip" -> args.length == 0 ? s.strip() : rstrip(lstrip(s, chars(args)), chars(args));
      case "lstrip" -> args.length == 0 ? s.stripLeading() : lstrip(s, chars(args));
      case "rstrip" -> args.length == 0 ? s.stripTrailing() : rstrip(s, chars(args));
      case "startswith" -> anyOf(args[0], s::startsWith);
      case "endswith" -> anyOf(args[0], s::endsWith);
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "capitalize" ->
          s.isEmpty()
              ? s
              : s.substring(0, 1).toUpperCase(Locale.ROOT)
                  + s.substring(1).toLowerCase(Locale.ROOT);
      case "title" -> title(s);
      case "split" -> split(s, args);
      case "replace" -> replace(s, args);
      case "find" -> s.indexOf(String.valueOf(args[0]));
      case "count" -> count(s, String.valueOf(args[0]));
      case "join" -> join(s, args[0]);
      default -> UNRESOLVED;
    };
  }

  private static String chars(Object[] args) {
    return args[0] == null ? null : args[0].toString();
  }

  private static String lstrip(String s, String chars) {
    if (chars == null) {
      return s.stripLeading();
    }
    int i = 0;
    while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    return s.substring(i);
  }

  private static String rstrip(String s, String chars) {
    if (chars == null) {
      return s.stripTrailing();
    }
    int i = s.length();
    while (i > 0 && chars.indexOf(s.charAt(i - 1)) >= 0) {
      i--;
    }
    return s.substring(0, i);
  }

  private static boolean anyOf(Object prefixes, java.util.function.Predicate<String> test) {
    if (prefixes instanceof Iterable<?> list) {
      for (Object prefix : list) {
        if (test.test(String.valueOf(prefix))) {
          return true;
        }
      }
      return false;
    }
    return test.test(String.valueOf(prefixes));
  }

  private static String title(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean previousCased = false;
    for (char c : s.toCharArray()) {
      out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
      previousCased = Character.isLetter(c);
    }
    return out.toString();
  }

  /** Python's split: on whitespace runs without a separator, else on the literal separator. */
  private static List<String> split(String s, Object[] args) {
    String separator = args.length > 0 && args[0] != null ? args[0].toString() : null;
    int max = args.length > 1 ? ((Number) args[1]).intValue() : -1;
    List<String> parts = new ArrayList<>();
    if (separator == null) {
      for (String part : s.strip().split("\\s+", max < 0 ? 0 : max + 1)) {
        if (!part.isEmpty()) {
          parts.add(part);
        }
      }
      return parts;
    }
    int start = 0;
    int at;
    while ((max < 0 || parts.size() < max) && (at = s.indexOf(separator, start)) >= 0) {
      parts.add(s.substring(start, at));
      start = at + separator.length();
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static String replace(String s, Object[] args) {
    String old = String.valueOf(args[0]);
    String replacement = String.valueOf(args[1]);
    int count = args.length > 2 ? ((Number) args[2]).intValue() : -1;
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int start = 0;
    int at;
    while (count-- > 0 && (at = s.indexOf(old, start)) >= 0) {
      out.append(s, start, at).append(replacement);
      start = at + old.length();
    }
    return out.append(s.substring(start)).toString();
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int at = s.indexOf(sub);
        at >= 0 && !sub.isEmpty();
        at = s.indexOf(sub, at + sub.length())) {
      n++;
    }
    return n;
  }

  private static String join(String separator, Object items) {
    List<String> parts = new ArrayList<>();
    if (items instanceof Iterable<?> list) {
      list.forEach(item -> parts.add(String.valueOf(item)));
    }
    return String.join(separator, parts);
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
