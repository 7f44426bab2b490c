package ai.hubbatch.model.decode;

import ai.hubbatch.model.generate.FinishReason;
import java.util.List;

/**
 * What one prompt generated: its sequences, best first for beam search, in sampling order
 * otherwise.
 *
 * @param sequences {@code num_return_sequences} of them
 */
public record GenerationOutput(List<Sequence> sequences) {

  public GenerationOutput {
    sequences = List.copyOf(sequences);
  }

  /**
   * One generated sequence.
   *
   * @param tokens the generated tokens (after the prompt or decoder start), with the EOS that ended
   *     it if one did
   * @param reason why it ended
   * @param score beam search's length-penalised score, or null for greedy and sampled sequences
   */
  public record Sequence(int[] tokens, FinishReason reason, Double score) {

    public Sequence {
      tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
      return tokens.clone();
    }
  }
}
