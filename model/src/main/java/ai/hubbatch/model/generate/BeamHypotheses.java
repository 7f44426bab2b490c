package ai.hubbatch.model.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * transformers' {@code BeamHypotheses}: the {@code num_beams} best finished hypotheses of one
 * record, and the test of whether a live beam could still beat them.
 *
 * <p>A hypothesis' score is its summed log-probability over its generated length (EOS counted) to
 * the power of {@code length_penalty}. A new one enters while fewer than {@code num_beams} are kept
 * or when it beats the worst kept, which then leaves. Not thread-safe.
 */
public final class BeamHypotheses {

  private final int numBeams;
  private final double lengthPenalty;
  private final GenerationConfig.EarlyStopping earlyStopping;
  private final int maxLength;
  private final List<Hypothesis> beams = new ArrayList<>();
  private double worstScore = 1e9;

  /**
   * @param maxLength the sequences' maximum length, prompt included (used by {@code "never"})
   */
  public BeamHypotheses(
      int numBeams,
      double lengthPenalty,
      GenerationConfig.EarlyStopping earlyStopping,
      int maxLength) {
    this.numBeams = numBeams;
    this.lengthPenalty = lengthPenalty;
    this.earlyStopping = earlyStopping;
    this.maxLength = maxLength;
  }

  /**
   * Offers a finished hypothesis.
   *
   * @param sumLogProbs its summed log-probability (float32, as the search accumulates it)
   * @param generatedLength its generated length, EOS included when one ended it
   */
  public void add(int[] generated, Integer eos, float sumLogProbs, int generatedLength) {
    double score = sumLogProbs / Math.pow(generatedLength, lengthPenalty);
    if (beams.size() < numBeams || score > worstScore) {
      beams.add(new Hypothesis(generated, eos, score));
      if (beams.size() > numBeams) {
        // Python's sorted() of (score, index) pairs: the lowest score leaves, the first of equals
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < beams.size(); i++) {
          order.add(i);
        }
        order.sort(
            Comparator.<Integer>comparingDouble(i -> beams.get(i).score())
                .thenComparingInt(i -> i));
        worstScore = beams.get(order.get(1)).score();
        beams.remove((int) order.get(0));
      } else {
        worstScore = Math.min(score, worstScore);
      }
    }
  }

  public int size() {
    return beams.size();
  }

  /**
   * Whether no live beam can improve on the kept hypotheses.
   *
   * @param bestSumLogProbs the best candidate score of the step
   * @param currentLength the sequences' length after the step, prompt included
   * @param promptLength the prompt's length
   */
  public boolean isDone(double bestSumLogProbs, int currentLength, int promptLength) {
    if (beams.size() < numBeams) {
      return false;
    }
    if (earlyStopping == GenerationConfig.EarlyStopping.TRUE) {
      return true;
    }
    int length =
        earlyStopping == GenerationConfig.EarlyStopping.NEVER && lengthPenalty > 0
            ? maxLength - promptLength
            : currentLength - promptLength;
    return worstScore >= bestSumLogProbs / Math.pow(length, lengthPenalty);
  }

  /**
   * The kept hypotheses, best first; of equal scores the later added comes first, as transformers
   * pops them from an ascending stable sort.
   */
  public List<Hypothesis> best() {
    List<Hypothesis> sorted = new ArrayList<>(beams);
    sorted.sort(Comparator.comparingDouble(Hypothesis::score));
    Collections.reverse(sorted);
    return sorted;
  }
}
