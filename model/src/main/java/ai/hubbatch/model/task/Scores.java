package ai.hubbatch.model.task;

/** The score functions of the transformers pipelines, over one row of logits. */
final class Scores {

  private Scores() {}

  /** Softmax, shifted by the maximum as numpy's pipelines compute it. */
  static double[] softmax(float[] logits) {
    return softmax(logits, 0, logits.length);
  }

  /** Softmax over {@code logits[from, from + length)}. */
  static double[] softmax(float[] logits, int from, int length) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, logits[from + i]);
    }
    double[] scores = new double[length];
    double sum = 0;
    for (int i = 0; i < length; i++) {
      scores[i] = Math.exp(logits[from + i] - max);
      sum += scores[i];
    }
    for (int i = 0; i < length; i++) {
      scores[i] /= sum;
    }
    return scores;
  }

  static double[] sigmoid(float[] logits) {
    double[] scores = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      scores[i] = 1.0 / (1.0 + Math.exp(-logits[i]));
    }
    return scores;
  }

  static double[] identity(float[] logits) {
    double[] scores = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      scores[i] = logits[i];
    }
    return scores;
  }

  /** The index of the largest value; the first one on ties, as numpy's argmax. */
  static int argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
