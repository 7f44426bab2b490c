package ai.hubbatch.model.task;

import ai.hubbatch.model.tokenize.TokenizedText;
import java.util.List;

/**
 * A request ready for the model: its token sequences, and what the task needs to answer it.
 *
 * @param sequences the sequences to run, possibly none (an empty list input)
 * @param state the task's own state for {@link Task#respond}
 * @param <S> the task's state type
 */
public record Prepared<S>(List<TokenizedText> sequences, S state) {

  public Prepared {
    sequences = List.copyOf(sequences);
  }

  /** Tokens over all sequences, special tokens included. */
  public int tokens() {
    int total = 0;
    for (TokenizedText sequence : sequences) {
      total += sequence.length();
    }
    return total;
  }
}
