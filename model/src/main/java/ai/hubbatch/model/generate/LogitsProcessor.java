package ai.hubbatch.model.generate;

import java.util.Arrays;
import java.util.List;

/**
 * transformers' logits processors for one sequence, in the order and with the arithmetic of its
 * {@code _get_logits_processor} (float32, as torch computes them):
 *
 * <ol>
 *   <li>repetition penalty (every id already in the sequence: a score below 0 is multiplied by the
 *       penalty, others divided);
 *   <li>no-repeat n-grams (a token that would repeat an n-gram of the sequence gets -inf);
 *   <li>bad words (the last token of a banned sequence gets -inf when the sequence ends with the
 *       rest of it; single-token entries always; an entry that is just an EOS id is dropped);
 *   <li>minimum length, then minimum new tokens (EOS ids get -inf while the sequence is shorter);
 *   <li>forced BOS (at length 1) and forced EOS (at max_length - 1): every other token gets -inf;
 *   <li>when sampling only, the warpers: temperature, top-k (50 by default), top-p, typical-p.
 * </ol>
 *
 * <p>The sequence is what transformers calls {@code input_ids}: prompt and generated tokens for a
 * decoder, the decoder's tokens (start token first) for an encoder-decoder. Beam search applies the
 * same processors to log-probabilities (see {@link BeamSearch}), greedy and sampling to logits.
 *
 * <p>Immutable and thread-safe; one instance serves every sequence with the same prompt length.
 */
public final class LogitsProcessor {

  private final GenerationConfig config;
  private final int promptLength;
  private final int minLength;
  private final int maxLength;
  private final int[] eos;
  private final List<List<Integer>> badWords;

  /**
   * @param config the generation's parameters (validated)
   * @param promptLength the sequence's length when generation starts
   */
  public LogitsProcessor(GenerationConfig config, int promptLength) {
    this.config = config;
    this.promptLength = promptLength;
    this.minLength = config.minLength() != null ? config.minLength() : 0;
    this.maxLength = config.maxLength(promptLength);
    this.eos = config.eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
    this.badWords =
        config.badWordsIds().stream()
            .filter(words -> !(words.size() == 1 && config.eosTokenIds().contains(words.get(0))))
            .toList();
  }

  /**
   * What the warpers always keep: transformers keeps 1 when sampling with one beam, the only
   * sampling hubbatch does (it keeps one more than the EOS ids only when sampling beams).
   */
  private static final int MIN_TOKENS_TO_KEEP = 1;

  /**
   * Processes one row of scores in place.
   *
   * @param sequence the sequence so far; its first {@code length} entries are used
   * @param length the sequence's current length
   * @param scores one score per vocabulary id, changed in place
   */
  public void apply(int[] sequence, int length, float[] scores) {
    if (config.repetitionPenalty() != 1.0) {
      repetitionPenalty(sequence, length, scores, (float) config.repetitionPenalty());
    }
    if (config.noRepeatNgramSize() > 0) {
      noRepeatNgrams(sequence, length, scores, config.noRepeatNgramSize());
    }
    if (!badWords.isEmpty()) {
      badWords(sequence, length, scores);
    }
    if (eos.length > 0 && (length < minLength || length - promptLength < minNewTokens())) {
      for (int id : eos) {
        scores[id] = Float.NEGATIVE_INFINITY;
      }
    }
    if (config.forcedBosTokenId() != null && length == 1) {
      force(scores, List.of(config.forcedBosTokenId()));
    }
    if (!config.forcedEosTokenIds().isEmpty() && length == maxLength - 1) {
      force(scores, config.forcedEosTokenIds());
    }
    if (config.doSample()) {
      if (config.temperature() != 1.0) {
        float temperature = (float) config.temperature();
        for (int i = 0; i < scores.length; i++) {
          scores[i] = scores[i] / temperature;
        }
      }
      if (config.topK() != 0) {
        topK(scores, config.topK(), MIN_TOKENS_TO_KEEP);
      }
      if (config.topP() < 1.0) {
        topP(scores, config.topP(), MIN_TOKENS_TO_KEEP);
      }
      if (config.typicalP() < 1.0) {
        typicalP(scores, config.typicalP(), MIN_TOKENS_TO_KEEP);
      }
    }
  }

  private int minNewTokens() {
    Integer value = config.minNewTokens();
    return value != null ? value : 0;
  }

  static void repetitionPenalty(int[] sequence, int length, float[] scores, float penalty) {
    boolean[] seen = new boolean[scores.length];
    for (int i = 0; i < length; i++) {
      int id = sequence[i];
      if (!seen[id]) {
        seen[id] = true;
        scores[id] = scores[id] < 0 ? scores[id] * penalty : scores[id] / penalty;
      }
    }
  }

  static void noRepeatNgrams(int[] sequence, int length, float[] scores, int n) {
    if (length + 1 < n) {
      return;
    }
    int prefixStart = length - n + 1;
    for (int start = 0; start + n <= length; start++) {
      if (Arrays.equals(sequence, start, start + n - 1, sequence, prefixStart, length)) {
        scores[sequence[start + n - 1]] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  private void badWords(int[] sequence, int length, float[] scores) {
    for (List<Integer> words : badWords) {
      int prefix = words.size() - 1;
      if (prefix > length) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < prefix && matches; i++) {
        matches = sequence[length - prefix + i] == words.get(i);
      }
      if (matches) {
        scores[words.get(prefix)] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  private static void force(float[] scores, List<Integer> ids) {
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    for (int id : ids) {
      scores[id] = 0;
    }
  }

  /** Keeps the scores at least as high as the k-th highest (ties at the threshold stay). */
  static void topK(float[] scores, int k, int minTokensToKeep) {
    int keep = Math.min(Math.max(k, minTokensToKeep), scores.length);
    float[] sorted = scores.clone();
    Arrays.sort(sorted);
    float threshold = sorted[sorted.length - keep];
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] < threshold) {
        scores[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * Removes, in ascending score order, the tokens whose cumulative probability stays at most {@code
   * 1 - p}, keeping at least {@code minTokensToKeep} of the highest.
   */
  static void topP(float[] scores, double p, int minTokensToKeep) {
    int[] ascending = ascendingOrder(scores);
    float[] probabilities = softmax(gather(scores, ascending));
    float cumulative = 0;
    float limit = (float) (1 - p);
    boolean[] remove = new boolean[scores.length];
    for (int i = 0; i < ascending.length; i++) {
      cumulative += probabilities[i];
      remove[i] = cumulative <= limit && i < ascending.length - minTokensToKeep;
    }
    for (int i = 0; i < ascending.length; i++) {
      if (remove[i]) {
        scores[ascending[i]] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /**
   * Typical decoding: orders tokens by how far their surprise is from the entropy, and keeps the
   * closest ones until their probability mass reaches {@code mass}.
   */
  static void typicalP(float[] scores, double mass, int minTokensToKeep) {
    float[] logProbs = logSoftmax(scores);
    float entropy = 0;
    for (float logProb : logProbs) {
      float term = logProb * (float) Math.exp(logProb);
      if (!Float.isNaN(term)) {
        entropy -= term;
      }
    }
    float[] shifted = new float[scores.length];
    for (int i = 0; i < scores.length; i++) {
      shifted[i] = Math.abs(-logProbs[i] - entropy);
    }
    int[] order = ascendingOrder(shifted);
    float[] probabilities = softmax(gather(scores, order));
    float cumulative = 0;
    int last = 0;
    for (float probability : probabilities) {
      cumulative += probability;
      if (cumulative < (float) mass) {
        last++;
      }
    }
    last = Math.min(last, scores.length - 1);
    float bound = shifted[order[last]];
    for (int i = minTokensToKeep; i < order.length; i++) {
      if (shifted[order[i]] > bound) {
        scores[order[i]] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /** Indices sorted by ascending value; equal values keep index order (a stable sort). */
  static int[] ascendingOrder(float[] values) {
    return java.util.stream.IntStream.range(0, values.length)
        .boxed()
        .sorted((a, b) -> Float.compare(values[a], values[b]))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static float[] gather(float[] values, int[] order) {
    float[] out = new float[order.length];
    for (int i = 0; i < order.length; i++) {
      out[i] = values[order[i]];
    }
    return out;
  }

  /** Probabilities in float32 as torch's softmax gives them (max subtracted first). */
  public static float[] softmax(float[] scores) {
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) {
      max = Math.max(max, s);
    }
    float[] out = new float[scores.length];
    float sum = 0;
    for (int i = 0; i < scores.length; i++) {
      out[i] = (float) Math.exp(scores[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  /** Log-probabilities in float32 ({@code x - max - log(sum(exp(x - max)))}). */
  public static float[] logSoftmax(float[] scores) {
    float max = Float.NEGATIVE_INFINITY;
    for (float s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    for (float s : scores) {
      sum += Math.exp(s - max);
    }
    float log = (float) Math.log(sum);
    float[] out = new float[scores.length];
    for (int i = 0; i < scores.length; i++) {
      out[i] = scores[i] - max - log;
    }
    return out;
  }
}
