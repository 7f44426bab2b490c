package ai.hubbatch.model.task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Question answering's span search over one window, as transformers' {@code select_starts_ends} and
 * {@code decode_spans}: start and end logits become probabilities over the tokens that may hold an
 * answer, and the best (start, end) pairs no longer than {@code max_answer_len} win.
 */
final class AnswerSpans {

  /** A candidate answer: token positions in the window and its probability. */
  record Span(int start, int end, double score) {}

  /** The spans found and the probability that the window holds no answer. */
  record Result(List<Span> spans, double nullScore) {}

  private AnswerSpans() {}

  /**
   * @param starts start logits, one per token of the window
   * @param ends end logits
   * @param allowed which tokens may be part of an answer (context tokens, and [CLS])
   */
  static Result select(
      float[] starts, float[] ends, boolean[] allowed, int topK, int maxAnswerLength) {
    double[] start = probabilities(starts, allowed);
    double[] end = probabilities(ends, allowed);
    double nullScore = start[0] * end[0];
    // The [CLS] position is how models say "no answer"; it is never an answer itself.
    start[0] = 0;
    end[0] = 0;
    List<Span> candidates = new ArrayList<>();
    for (int s = 0; s < start.length; s++) {
      for (int e = s; e < Math.min(end.length, s + maxAnswerLength); e++) {
        candidates.add(new Span(s, e, start[s] * end[e]));
      }
    }
    // Best first; on equal scores the earlier flat index (start, then end) first, as argmax.
    candidates.sort(Comparator.comparingDouble(Span::score).reversed());
    List<Span> spans = new ArrayList<>();
    for (Span span : candidates.subList(0, Math.min(topK, candidates.size()))) {
      // transformers keeps index 0 as "desired" here (np.isin over both axes of nonzero()).
      if (desired(span.start(), allowed) && desired(span.end(), allowed)) {
        spans.add(span);
      }
    }
    return new Result(spans, nullScore);
  }

  private static boolean desired(int index, boolean[] allowed) {
    return index == 0 || allowed[index];
  }

  /** Softmax with disallowed tokens pushed to -10000 first, as the pipeline does. */
  private static double[] probabilities(float[] logits, boolean[] allowed) {
    float[] masked = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      masked[i] = allowed[i] ? logits[i] : -10000f;
    }
    return Scores.softmax(masked);
  }
}
