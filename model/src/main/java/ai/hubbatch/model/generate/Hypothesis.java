package ai.hubbatch.model.generate;

/**
 * A finished beam-search hypothesis.
 *
 * @param generated the generated tokens, without the EOS that ended it
 * @param eosTokenId the EOS id that ended it, or null when it ran to the maximum length
 * @param score its summed log-probability divided by its generated length (EOS counted) to the
 *     power of {@code length_penalty}: transformers' {@code sequences_scores}
 */
public record Hypothesis(int[] generated, Integer eosTokenId, double score) {

  /** The generated tokens with the EOS that ended it, if one did. */
  public int[] withEos() {
    if (eosTokenId == null) {
      return generated.clone();
    }
    int[] out = java.util.Arrays.copyOf(generated, generated.length + 1);
    out[generated.length] = eosTokenId;
    return out;
  }
}
