package ai.hubbatch.model.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * transformers' {@code ImageClassificationPipeline.postprocess} over one image's {@code logits}:
 * scores by {@code function_to_apply}, sorted (stably: equal scores keep label order), the top
 * {@code top_k} (at most the number of labels).
 */
public final class ImageClassification {

  /** The pipeline's default {@code top_k}. */
  public static final int DEFAULT_TOP_K = 5;

  /** {@code function_to_apply}. */
  public enum Function {
    SOFTMAX,
    SIGMOID,
    NONE;

    /** The function named {@code softmax}, {@code sigmoid} or {@code none}. */
    public static Function parse(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "function_to_apply must be softmax, sigmoid or none, got \"" + name + "\"", e);
      }
    }

    /**
     * The pipeline's default for a model: sigmoid for multi-label problems and single-label models,
     * softmax otherwise.
     */
    public static Function defaultFor(String problemType, int labels) {
      if ("multi_label_classification".equals(problemType) || labels == 1) {
        return SIGMOID;
      }
      return SOFTMAX;
    }
  }

  private ImageClassification() {}

  /**
   * The top {@code topK} labels of one image.
   *
   * @param logits the image's logits, one per label
   * @param labels {@code id2label}
   */
  public static List<LabelScore> postprocess(
      float[] logits, IntFunction<String> labels, int topK, Function function) {
    if (topK < 1) {
      throw new IllegalArgumentException("top_k must be at least 1, got " + topK);
    }
    double[] scores = scores(logits, function);
    List<LabelScore> result = new ArrayList<>(scores.length);
    for (int i = 0; i < scores.length; i++) {
      result.add(new LabelScore(labels.apply(i), scores[i]));
    }
    result.sort(Comparator.comparingDouble(LabelScore::score).reversed());
    return List.copyOf(result.subList(0, Math.min(topK, result.size())));
  }

  static double[] scores(float[] logits, Function function) {
    if (function == Function.SOFTMAX) {
      return softmax(logits, 0, logits.length);
    }
    double[] scores = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      scores[i] = function == Function.SIGMOID ? 1.0 / (1.0 + Math.exp(-logits[i])) : logits[i];
    }
    return scores;
  }

  /** Softmax over {@code values[from, from + length)}, shifted by the maximum. */
  static double[] softmax(float[] values, int from, int length) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, values[from + i]);
    }
    double[] result = new double[length];
    double sum = 0;
    for (int i = 0; i < length; i++) {
      result[i] = Math.exp(values[from + i] - max);
      sum += result[i];
    }
    for (int i = 0; i < length; i++) {
      result[i] /= sum;
    }
    return result;
  }
}
