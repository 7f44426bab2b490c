package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.config.ConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SageMaker's JSONPath subset for {@code InputFilter} and {@code OutputFilter}: {@code $}, {@code
 * .name}, {@code *}, {@code ['a','b']}, {@code [n]} and {@code [n,m]} (negative from the end),
 * {@code [start:end]} with the end <b>included</b> as SageMaker documents ({@code $[1:4]} is the
 * 2nd to 5th column), and lists mixing them ({@code $[0,5:]}). At most 63 characters. Anything else
 * (recursive descent, filters, scripts) is refused when the job starts.
 *
 * <p>A path of names and single indexes selects one value; {@code ['a','b']} selects an object with
 * those keys; wildcards, index lists and slices select a list. Hand-written because the library
 * JSONPath implementations read slices with an exclusive end and accept operators SageMaker
 * refuses.
 */
public final class JsonPath implements Serializable {

  private static final int MAX_LENGTH = 63;
  private static final Pattern NAME = Pattern.compile("\\.([^.\\[\\]'\" *]+)");
  private static final Pattern QUOTED = Pattern.compile("\\s*'([^']*)'\\s*");
  private static final Pattern INDEX = Pattern.compile("\\s*(-?\\d+)?\\s*(:\\s*(-?\\d+)?)?\\s*");

  private final String text;
  private final List<Step> steps;

  private JsonPath(String text, List<Step> steps) {
    this.text = text;
    this.steps = steps;
  }

  /** The path that selects everything. */
  public static JsonPath root() {
    return new JsonPath("$", List.of());
  }

  /**
   * Parses a path.
   *
   * @param what the option's name, for the message ({@code InputFilter})
   * @throws IllegalArgumentException naming the unsupported part
   */
  public static JsonPath parse(String path, String what) {
    String text = path.trim();
    if (text.length() > MAX_LENGTH) {
      throw new ConfigurationException(
          what + " '" + path + "' is longer than SageMaker's " + MAX_LENGTH + " characters");
    }
    if (!text.startsWith("$")) {
      throw new ConfigurationException(what + " '" + path + "' must start with $");
    }
    List<Step> steps = new ArrayList<>();
    int at = 1;
    while (at < text.length()) {
      Matcher name = NAME.matcher(text).region(at, text.length());
      if (text.startsWith("..", at)) {
        throw unsupported(what, path, "recursive descent (..)");
      } else if (text.startsWith(".*", at) || text.startsWith("[*]", at)) {
        steps.add(new Step(Kind.ALL, null, null));
        at += text.startsWith(".*", at) ? 2 : 3;
      } else if (name.lookingAt()) {
        steps.add(new Step(Kind.NAMES, List.of(name.group(1)), null));
        at = name.end();
      } else if (text.startsWith("[", at) || text.startsWith(".[", at)) {
        int open = text.indexOf('[', at);
        int close = text.indexOf(']', open);
        if (close < 0) {
          throw new ConfigurationException(what + " '" + path + "' has an unclosed [");
        }
        steps.add(bracket(text.substring(open + 1, close), what, path));
        at = close + 1;
      } else {
        throw unsupported(what, path, "'" + text.substring(at) + "'");
      }
    }
    return new JsonPath(text, List.copyOf(steps));
  }

  private static Step bracket(String inside, String what, String path) {
    String[] items = inside.split(",", -1);
    if (inside.trim().startsWith("'")) {
      List<String> names = new ArrayList<>();
      for (String item : items) {
        Matcher quoted = QUOTED.matcher(item);
        if (!quoted.matches() || quoted.group(1).contains(".")) {
          throw unsupported(
              what,
              path,
              "[" + inside + "] (names in brackets are quoted and " + "have no children)");
        }
        names.add(quoted.group(1));
      }
      return new Step(Kind.NAMES, List.copyOf(names), null);
    }
    List<long[]> ranges = new ArrayList<>();
    for (String item : items) {
      Matcher index = INDEX.matcher(item);
      if (!index.matches() || (index.group(1) == null && index.group(2) == null)) {
        throw unsupported(what, path, "[" + inside + "]");
      }
      boolean slice = index.group(2) != null;
      long start = index.group(1) == null ? 0 : Long.parseLong(index.group(1));
      long end =
          !slice ? start : index.group(3) == null ? Long.MIN_VALUE : Long.parseLong(index.group(3));
      ranges.add(new long[] {start, end, slice ? 1 : 0});
    }
    boolean single = ranges.size() == 1 && ranges.get(0)[2] == 0;
    return new Step(single ? Kind.INDEX : Kind.INDEXES, null, List.copyOf(ranges));
  }

  private static IllegalArgumentException unsupported(String what, String path, String part) {
    return new ConfigurationException(
        what
            + " '"
            + path
            + "': "
            + part
            + " is not in "
            + "SageMaker's JSONPath subset ($, .name, *, ['a','b'], [n], [n,m], [start:end])");
  }

  /** Whether this path selects the whole value. */
  public boolean isRoot() {
    return steps.isEmpty();
  }

  /**
   * Selects from a value.
   *
   * @throws InvalidRequestException if the value lacks what the path names (a key, an index)
   */
  public JsonNode select(JsonNode value) {
    List<JsonNode> current = List.of(value);
    boolean single = true;
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        step.apply(node, next, this);
      }
      current = next;
      single &= step.kind == Kind.INDEX || step.kind == Kind.NAMES;
    }
    if (single) {
      return current.get(0);
    }
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    current.forEach(list::add);
    return list;
  }

  @Override
  public String toString() {
    return text;
  }

  private enum Kind {
    ALL,
    NAMES,
    INDEX,
    INDEXES
  }

  /** One step of a path; {@code ranges} are {start, end (inclusive), isSlice}. */
  private record Step(Kind kind, List<String> names, List<long[]> ranges) implements Serializable {

    void apply(JsonNode node, List<JsonNode> out, JsonPath path) {
      switch (kind) {
        case ALL:
          node.elements().forEachRemaining(out::add);
          return;
        case NAMES:
          if (!node.isObject()) {
            throw path.fail("names a key of " + describe(node));
          }
          if (names.size() == 1) {
            out.add(child(node, names.get(0), path));
            return;
          }
          ObjectNode picked = JsonNodeFactory.instance.objectNode();
          for (String name : names) {
            picked.set(name, child(node, name, path));
          }
          out.add(picked);
          return;
        default:
          if (!node.isArray()) {
            throw path.fail("indexes " + describe(node));
          }
          int size = node.size();
          for (long[] range : ranges) {
            long start = normalise(range[0], size, path);
            long end = range[1] == Long.MIN_VALUE ? size - 1 : normalise(range[1], size, path);
            for (long i = start; i <= end; i++) {
              out.add(node.get((int) i));
            }
          }
      }
    }

    private static JsonNode child(JsonNode node, String name, JsonPath path) {
      JsonNode child = node.get(name);
      if (child == null) {
        throw path.fail("names the key '" + name + "', which the record does not have");
      }
      return child;
    }

    private static long normalise(long index, int size, JsonPath path) {
      long i = index < 0 ? size + index : index;
      if (i < 0 || i >= size) {
        throw path.fail("names index " + index + " of a list of " + size);
      }
      return i;
    }

    private static String describe(JsonNode node) {
      return ai.hubbatch.model.codec.JsonShapes.describe(node);
    }
  }

  private InvalidRequestException fail(String problem) {
    return new InvalidRequestException("The filter " + text + " " + problem);
  }
}
