package ai.hubbatch.model.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beam search for one record, as transformers' {@code _beam_search} with {@code BeamSearchScorer}
 * does it (v4.36 to v4.47, the length penalty on the generated length), as a state machine a
 * decoding loop drives: each step it gets a row per live beam and answers which beam each new beam
 * continues (to reorder the cache) and with which token.
 *
 * <p>Per step: the logits of each beam go through log-softmax and the {@link LogitsProcessor} (on
 * log-probabilities, as transformers does for beams), then get the beam's running score added
 * (float32). Of all beams' candidates the best {@code max(2, 1 + EOS ids) * num_beams} are walked
 * in order (higher score first, then lower beam and token): an EOS candidate ranked within the
 * first {@code num_beams} becomes a finished {@link Hypothesis}, other EOS candidates are skipped,
 * and the first {@code num_beams} other candidates become the next beams. The search is done when
 * {@link BeamHypotheses#isDone} says no live beam can improve (the live beams are dropped), or at
 * the maximum length (the live beams join the hypotheses); the best {@code num_return_sequences}
 * hypotheses are the result.
 *
 * <p>The first step starts every beam from the prompt with running scores 0, -1e9, -1e9, ..., so
 * only the first beam's candidates count; a loop may feed the same prompt row for every beam. Not
 * thread-safe.
 */
public final class BeamSearch {

  private final GenerationConfig config;
  private final LogitsProcessor processor;
  private final BeamHypotheses hypotheses;
  private final int numBeams;
  private final int promptLength;
  private final int maxLength;
  private final int[] eos;
  private final int candidates;
  private int[][] beams;
  private int length;
  private float[] scores;
  private boolean done;

  /**
   * What a step decided: new beam {@code i} continues beam {@code parents[i]} with {@code
   * tokens[i]}.
   */
  public record Step(int[] parents, int[] tokens) {}

  /**
   * @param config validated parameters, with {@code num_beams} > 1
   * @param prompt the sequence to continue (for an encoder-decoder, the decoder start)
   */
  public BeamSearch(GenerationConfig config, int[] prompt) {
    this.config = config;
    this.numBeams = config.numBeams();
    this.promptLength = prompt.length;
    this.maxLength = config.maxLength(prompt.length);
    config.maxNewTokens(prompt.length); // refuses a max_length that leaves no room
    this.processor = new LogitsProcessor(config, prompt.length);
    this.hypotheses =
        new BeamHypotheses(numBeams, config.lengthPenalty(), config.earlyStopping(), maxLength);
    this.eos = config.eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
    this.candidates = Math.max(2, 1 + eos.length) * numBeams;
    this.beams = new int[numBeams][];
    for (int b = 0; b < numBeams; b++) {
      beams[b] = Arrays.copyOf(prompt, maxLength);
    }
    this.length = prompt.length;
    this.scores = new float[numBeams];
    Arrays.fill(scores, 1, numBeams, -1e9f);
  }

  public int numBeams() {
    return numBeams;
  }

  /** Beam {@code b}'s sequence so far (prompt included). */
  public int[] beam(int b) {
    return Arrays.copyOf(beams[b], length);
  }

  /** Whether the search is over; then {@link #result()} is final. */
  public boolean isDone() {
    return done;
  }

  /**
   * Takes one step from the raw logits of the live beams.
   *
   * @param logits one row per beam, in beam order; not modified
   */
  public Step step(float[][] logits) {
    float[][] logProbs = new float[numBeams][];
    for (int b = 0; b < numBeams; b++) {
      logProbs[b] = LogitsProcessor.logSoftmax(logits[b]);
      processor.apply(beams[b], length, logProbs[b]);
    }
    return advance(logProbs);
  }

  /**
   * Takes one step from already processed log-probabilities (what {@link #step} computes): the
   * bookkeeping alone.
   *
   * @param logProbs one row per beam, in beam order
   */
  public Step advance(float[][] logProbs) {
    if (done) {
      throw new IllegalStateException("the beam search is done");
    }
    int vocab = logProbs[0].length;
    // the best `candidates` (beam, token) pairs by running score + log-prob, best first
    long[] best = new long[candidates];
    float[] bestScores = new float[candidates];
    int count = 0;
    for (int b = 0; b < numBeams; b++) {
      for (int t = 0; t < vocab; t++) {
        float total = logProbs[b][t] + scores[b];
        if (count == candidates && !(total > bestScores[count - 1])) {
          continue;
        }
        int at = count == candidates ? count - 1 : count++;
        while (at > 0 && total > bestScores[at - 1]) {
          bestScores[at] = bestScores[at - 1];
          best[at] = best[at - 1];
          at--;
        }
        bestScores[at] = total;
        best[at] = (long) b * vocab + t;
      }
    }
    int nextLength = length + 1;
    int[] parents = new int[numBeams];
    int[] tokens = new int[numBeams];
    float[] nextScores = new float[numBeams];
    int chosen = 0;
    for (int rank = 0; rank < count && chosen < numBeams; rank++) {
      int parent = (int) (best[rank] / vocab);
      int token = (int) (best[rank] % vocab);
      if (isEos(token)) {
        if (rank < numBeams) {
          hypotheses.add(
              Arrays.copyOfRange(beams[parent], promptLength, length),
              token,
              bestScores[rank],
              nextLength - promptLength);
        }
        continue;
      }
      parents[chosen] = parent;
      tokens[chosen] = token;
      nextScores[chosen] = bestScores[rank];
      chosen++;
    }
    if (chosen < numBeams) {
      throw new IllegalStateException(
          "fewer than num_beams candidates that are not EOS: the rows have too few finite scores");
    }
    boolean improvable = !hypotheses.isDone(bestScores[0], nextLength, promptLength);
    int[][] next = new int[numBeams][];
    for (int b = 0; b < numBeams; b++) {
      next[b] = beams[parents[b]].clone();
      next[b][length] = tokens[b];
    }
    beams = next;
    scores = nextScores;
    length = nextLength;
    if (!improvable) {
      done = true;
    } else if (length >= maxLength) {
      // the live beams join the hypotheses only when the search ran to the maximum length
      done = true;
      for (int b = 0; b < numBeams; b++) {
        hypotheses.add(
            Arrays.copyOfRange(beams[b], promptLength, length),
            null,
            scores[b],
            length - promptLength);
      }
    }
    return new Step(parents, tokens);
  }

  private boolean isEos(int token) {
    for (int id : eos) {
      if (id == token) {
        return true;
      }
    }
    return false;
  }

  /**
   * The best {@code num_return_sequences} hypotheses, best first.
   *
   * @throws IllegalStateException before the search is done
   */
  public List<Hypothesis> result() {
    if (!done) {
      throw new IllegalStateException("the beam search is not done");
    }
    List<Hypothesis> best = hypotheses.best();
    return new ArrayList<>(best.subList(0, Math.min(config.numReturnSequences(), best.size())));
  }
}
