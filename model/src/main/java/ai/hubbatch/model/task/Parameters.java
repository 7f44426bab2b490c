package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's {@code parameters}, read with the types the transformers pipelines expect. A name the
 * task does not take is an error, as a pipeline's {@code unexpected keyword argument} is.
 *
 * <p>Every task also takes the pipeline-call arguments that do not change results here: {@code
 * truncation} and {@code padding} (inputs are always truncated at the model's maximum and padded
 * per batch), {@code batch_size} and {@code num_workers} (hubbatch batches across requests itself).
 */
public final class Parameters {

  private static final Set<String> ALWAYS =
      Set.of("truncation", "padding", "batch_size", "num_workers");

  private final ObjectNode node;
  private final String task;

  private Parameters(ObjectNode node, String task) {
    this.node = node;
    this.task = task;
  }

  /**
   * @param accepted the names the task reads
   * @throws InvalidRequestException naming an unknown parameter and the accepted ones
   */
  public static Parameters of(ObjectNode node, String task, Set<String> accepted) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!accepted.contains(name) && !ALWAYS.contains(name)) {
        Set<String> all = new TreeSet<>(accepted);
        all.addAll(ALWAYS);
        throw new InvalidRequestException(
            task + " does not take the parameter \"" + name + "\"; it takes " + all);
      }
    }
    return new Parameters(node, task);
  }

  public boolean has(String name) {
    return node.has(name);
  }

  /** Present and JSON null: Python's explicit {@code None}. */
  public boolean isNull(String name) {
    return node.has(name) && node.get(name).isNull();
  }

  public int integer(String name, int fallback) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() && value.asDouble() % 1 != 0) {
      throw invalid(name, "an integer", value);
    }
    return value.asInt();
  }

  /** An integer of at least {@code min}. */
  public int atLeast(String name, int fallback, int min) {
    int value = integer(name, fallback);
    if (value < min) {
      throw new InvalidRequestException(
          task + ": \"" + name + "\" must be at least " + min + ", got " + value);
    }
    return value;
  }

  /** A number (an integer or a float). */
  public double number(String name, double fallback) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw invalid(name, "a number", value);
    }
    return value.asDouble();
  }

  public boolean bool(String name, boolean fallback) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw invalid(name, "true or false", value);
    }
    return value.asBoolean();
  }

  public String string(String name, String fallback) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw invalid(name, "a string", value);
    }
    return value.asText();
  }

  /** A string or a list of strings, as a list; null when absent. */
  public List<String> strings(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    List<String> values = new ArrayList<>();
    if (value.isTextual()) {
      values.add(value.asText());
      return values;
    }
    if (!value.isArray()) {
      throw invalid(name, "a string or a list of strings", value);
    }
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw invalid(name, "a string or a list of strings", value);
      }
      values.add(item.asText());
    }
    return values;
  }

  /**
   * transformers' {@code _parse_labels}: a list of strings, or one string of comma-separated labels
   * (blanks dropped); null when absent.
   */
  public List<String> labels(String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    List<String> labels = new ArrayList<>();
    if (value.isTextual()) {
      for (String label : value.asText().split(",")) {
        if (!label.strip().isEmpty()) {
          labels.add(label.strip());
        }
      }
      return labels;
    }
    if (!value.isArray()) {
      throw invalid(name, "a list of labels or a comma-separated string", value);
    }
    for (JsonNode label : value) {
      if (!label.isTextual()) {
        throw invalid(name, "a list of strings", value);
      }
      labels.add(label.asText());
    }
    return labels;
  }

  public JsonNode raw(String name) {
    return node.get(name);
  }

  private InvalidRequestException invalid(String name, String expected, JsonNode value) {
    return new InvalidRequestException(
        task + ": \"" + name + "\" must be " + expected + ", got " + JsonShapes.describe(value));
  }
}
