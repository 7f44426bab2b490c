package ai.hubbatch.model.generate;

import java.util.SplittableRandom;

/**
 * Picks the next token from one processed row of scores: the highest (greedy, the first of equal
 * highest as torch's argmax), or a draw from their softmax.
 *
 * <p>Draws are reproducible per sequence: a sampler is seeded from the record's seed and the
 * sequence's index within the record ({@link #seeded}), and draws only for its own sequence, so the
 * same record and seed give the same tokens whatever else shares the batch, the runner or the
 * thread. The generator is {@link SplittableRandom}, whose algorithm Java specifies, so every JVM
 * draws the same numbers. Not thread-safe: one sampler per sequence.
 */
public final class TokenSampler {

  private final SplittableRandom random;

  private TokenSampler(SplittableRandom random) {
    this.random = random;
  }

  /** Always the highest score. */
  public static TokenSampler greedy() {
    return new TokenSampler(null);
  }

  /**
   * Draws from the softmax of the scores, with a generator for sequence {@code sequence} of a
   * record whose seed is {@code seed}.
   */
  public static TokenSampler seeded(long seed, int sequence) {
    return new TokenSampler(new SplittableRandom(mix(seed, sequence)));
  }

  /** The sampler a configuration asks for: greedy unless do_sample. */
  public static TokenSampler of(GenerationConfig config, long seed, int sequence) {
    return config.doSample() ? seeded(seed, sequence) : greedy();
  }

  private static long mix(long seed, int sequence) {
    // SplitMix64's finaliser over the pair: neighbouring seeds and indices give unrelated streams.
    long z = seed + 0x9E3779B97F4A7C15L * (sequence + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The next token for one row of processed scores (-inf scores are never drawn). */
  public int next(float[] scores) {
    if (random == null) {
      return argmax(scores);
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) {
      max = Math.max(max, s);
    }
    double[] cumulative = new double[scores.length];
    double total = 0;
    for (int i = 0; i < scores.length; i++) {
      total += Math.exp((double) scores[i] - max);
      cumulative[i] = total;
    }
    double target = random.nextDouble() * total;
    for (int i = 0; i < cumulative.length; i++) {
      if (target < cumulative[i] && scores[i] != Float.NEGATIVE_INFINITY) {
        return i;
      }
    }
    return argmax(scores);
  }

  /** The index of the highest score, the first of equals. */
  public static int argmax(float[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }
}
