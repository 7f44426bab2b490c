package ai.hubbatch.model.audio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The audio-classification pipeline's post-processing, engine-free: one recording's logits to its
 * {@code top_k} labels by score ({@code function_to_apply}: softmax by default, sigmoid or none),
 * scores rounded to float as torch computes them, labels from {@code id2label} ({@code LABEL_i}
 * where it has none). {@code top_k} defaults to 5, as the toolkit's pipeline and transformers.js do
 * (transformers 5 returns every label by default), and is capped at the label count. Immutable.
 */
public final class AudioClassification {

  /** The pipeline's default number of labels returned. */
  public static final int DEFAULT_TOP_K = 5;

  private final JsonNode id2label;

  private AudioClassification(JsonNode id2label) {
    this.id2label = id2label;
  }

  /** The classification of a model whose {@code config.json} is {@code config}. */
  public static AudioClassification fromConfig(JsonNode config) {
    return new AudioClassification(config.path("id2label"));
  }

  /** The score functions the pipeline offers. */
  public enum Function {
    SOFTMAX,
    SIGMOID,
    NONE;

    /** {@code function_to_apply} as a request gives it; null means softmax. */
    public static Function parse(String name) {
      if (name == null) {
        return SOFTMAX;
      }
      switch (name.toLowerCase(Locale.ROOT)) {
        case "softmax":
          return SOFTMAX;
        case "sigmoid":
          return SIGMOID;
        case "none":
          return NONE;
        default:
          throw new IllegalArgumentException(
              "Invalid value for `function_to_apply`: "
                  + name
                  + ". Valid options are ['softmax', 'sigmoid', 'none']");
      }
    }
  }

  /** A label and its score. */
  public record LabelScore(String label, double score) {}

  /**
   * The {@code topK} best labels of one row of logits, best first (the lower index first on ties).
   *
   * @throws IllegalArgumentException when {@code topK} is not positive
   */
  public List<LabelScore> top(float[] logits, int topK, Function function) {
    if (topK <= 0) {
      throw new IllegalArgumentException("top_k must be a positive integer, got " + topK);
    }
    double[] scores = scores(logits, function);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(i -> i));
    List<LabelScore> top = new ArrayList<>();
    for (int i : order.subList(0, Math.min(topK, order.size()))) {
      top.add(new LabelScore(label(i), scores[i]));
    }
    return top;
  }

  /** {@code [{"score": ..., "label": ...}, ...]}, as the pipeline returns them. */
  public static ArrayNode toJson(List<LabelScore> labels) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (LabelScore label : labels) {
      array.addObject().put("score", label.score()).put("label", label.label());
    }
    return array;
  }

  private String label(int index) {
    return id2label.path(String.valueOf(index)).asText("LABEL_" + index);
  }

  private static double[] scores(float[] logits, Function function) {
    double[] scores = new double[logits.length];
    switch (function) {
      case SOFTMAX:
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
          max = Math.max(max, logit);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
          scores[i] = Math.exp(logits[i] - max);
          sum += scores[i];
        }
        for (int i = 0; i < logits.length; i++) {
          scores[i] = (float) (scores[i] / sum);
        }
        break;
      case SIGMOID:
        for (int i = 0; i < logits.length; i++) {
          scores[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
        }
        break;
      default:
        for (int i = 0; i < logits.length; i++) {
          scores[i] = logits[i];
        }
    }
    return scores;
  }
}
