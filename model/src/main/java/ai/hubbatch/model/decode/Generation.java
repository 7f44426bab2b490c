package ai.hubbatch.model.decode;

import ai.hubbatch.model.generate.BeamSearch;
import ai.hubbatch.model.generate.Continuation;
import ai.hubbatch.model.generate.FinishReason;
import ai.hubbatch.model.generate.Hypothesis;
import ai.hubbatch.model.generate.TokenDecoder;
import ai.hubbatch.model.generate.TokenSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One prompt being decoded: its greedy or sampled sequences ({@link Continuation}s), or its beam
 * search, and which of the batch's rows they occupy. It takes each step's logits for its own rows
 * only, so what it generates does not depend on what else shares the batch. Not thread-safe.
 */
final class Generation {

  /**
   * What a step decided for the prompt's rows.
   *
   * @param sources for each row it keeps, the row (of those it was given) it continues
   * @param tokens each kept row's next token
   */
  record Next(int[] sources, int[] tokens) {}

  final int index;
  final GenerationInput input;
  private final Continuation[] sequences;
  private final BeamSearch beams;

  /** The sequences occupying rows, in row order; the beams are all live until the search ends. */
  private int[] live;

  /**
   * @param index the input's index in the stage call
   * @param decoder decodes generated tokens for stop strings
   */
  Generation(int index, GenerationInput input, TokenDecoder decoder) {
    this.index = index;
    this.input = input;
    int[] prompt = input.prompt();
    if (input.config().numBeams() > 1) {
      this.beams = new BeamSearch(input.config(), prompt);
      this.sequences = null;
    } else {
      this.beams = null;
      this.sequences = new Continuation[input.rows()];
      for (int k = 0; k < sequences.length; k++) {
        sequences[k] =
            new Continuation(
                input.config(),
                prompt,
                TokenSampler.of(input.config(), input.seed(), k),
                decoder,
                input.hook());
      }
    }
    this.live = new int[0];
  }

  /** The rows it occupies. */
  int rows() {
    return beams != null ? (beams.isDone() ? 0 : beams.numBeams()) : live.length;
  }

  boolean done() {
    return beams != null
        ? beams.isDone()
        : Arrays.stream(sequences).allMatch(Continuation::isFinished);
  }

  /**
   * The first step, from the logits of the prompt's last position: every sequence (or beam) starts
   * from that one row.
   */
  Next first(float[] logits) {
    if (beams != null) {
      float[][] rows = new float[beams.numBeams()][];
      Arrays.fill(rows, logits); // BeamSearch reads rows without changing them
      BeamSearch.Step step = beams.step(rows);
      return beams.isDone()
          ? new Next(new int[0], new int[0])
          : new Next(new int[beams.numBeams()], step.tokens());
    }
    float[][] rows = new float[sequences.length][];
    for (int k = 0; k < rows.length; k++) {
      // each sequence's processors change its row in place
      rows[k] = k == rows.length - 1 ? logits : logits.clone();
    }
    int[] all = new int[sequences.length];
    for (int k = 0; k < all.length; k++) {
      all[k] = k;
    }
    Next next = stepSequences(all, rows);
    return new Next(new int[next.sources().length], next.tokens());
  }

  /** A later step, from one logits row per occupied row, in row order. */
  Next step(float[][] logits) {
    if (beams != null) {
      BeamSearch.Step step = beams.step(logits);
      return beams.isDone()
          ? new Next(new int[0], new int[0])
          : new Next(step.parents(), step.tokens());
    }
    return stepSequences(live, logits);
  }

  private Next stepSequences(int[] occupying, float[][] logits) {
    List<Integer> kept = new ArrayList<>();
    int[] sources = new int[occupying.length];
    int[] tokens = new int[occupying.length];
    int n = 0;
    for (int row = 0; row < occupying.length; row++) {
      Continuation sequence = sequences[occupying[row]];
      int token = sequence.step(logits[row]);
      if (!sequence.isFinished()) {
        kept.add(occupying[row]);
        sources[n] = row;
        tokens[n] = token;
        n++;
      }
    }
    live = kept.stream().mapToInt(Integer::intValue).toArray();
    return new Next(Arrays.copyOf(sources, n), Arrays.copyOf(tokens, n));
  }

  /** What it generated; only once {@link #done()}. */
  GenerationOutput output() {
    List<GenerationOutput.Sequence> out = new ArrayList<>();
    if (beams != null) {
      for (Hypothesis h : beams.result()) {
        out.add(
            new GenerationOutput.Sequence(
                h.withEos(),
                h.eosTokenId() != null ? FinishReason.EOS : FinishReason.LENGTH,
                h.score()));
      }
    } else {
      for (Continuation c : sequences) {
        out.add(new GenerationOutput.Sequence(c.generated(), c.finishReason(), null));
      }
    }
    return new GenerationOutput(out);
  }
}
