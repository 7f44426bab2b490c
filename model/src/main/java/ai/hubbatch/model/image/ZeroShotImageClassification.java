package ai.hubbatch.model.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * transformers' {@code ZeroShotImageClassificationPipeline.postprocess} for CLIP-style models: a
 * softmax of one image's {@code logits_per_image} over the candidate labels, sorted by score
 * (stably: equal scores keep the candidates' order).
 */
public final class ZeroShotImageClassification {

  /**
   * The Python pipeline's default {@code hypothesis_template} (transformers.js drops the period).
   */
  public static final String DEFAULT_TEMPLATE = "This is a photo of {}.";

  private ZeroShotImageClassification() {}

  /** The texts the text tower encodes: the template with each label in place of {@code {}}. */
  public static List<String> sequences(List<String> candidateLabels, String template) {
    List<String> sequences = new ArrayList<>(candidateLabels.size());
    for (String label : candidateLabels) {
      sequences.add(template.replace("{}", label));
    }
    return List.copyOf(sequences);
  }

  /**
   * The candidate labels with their scores, best first.
   *
   * @param logitsPerImage the image's row of {@code logits_per_image}, one per candidate label
   */
  public static List<LabelScore> postprocess(float[] logitsPerImage, List<String> candidateLabels) {
    if (logitsPerImage.length != candidateLabels.size()) {
      throw new IllegalArgumentException(
          logitsPerImage.length + " logits for " + candidateLabels.size() + " candidate labels");
    }
    double[] scores = ImageClassification.softmax(logitsPerImage, 0, logitsPerImage.length);
    List<LabelScore> result = new ArrayList<>(scores.length);
    for (int i = 0; i < scores.length; i++) {
      result.add(new LabelScore(candidateLabels.get(i), scores[i]));
    }
    result.sort(Comparator.comparingDouble(LabelScore::score).reversed());
    return List.copyOf(result);
  }
}
