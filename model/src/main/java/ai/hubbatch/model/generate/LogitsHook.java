package ai.hubbatch.model.generate;

/**
 * A model family's own rule over next-token logits, applied after the {@link LogitsProcessor}s and
 * before the token is chosen: Whisper's timestamp and suppression rules, say. Must be thread-safe
 * and keep no state between calls: everything it needs is in the sequence.
 */
@FunctionalInterface
public interface LogitsHook {

  /**
   * Changes one row of logits in place.
   *
   * @param sequence the sequence so far (prompt or decoder start first); its first {@code length}
   *     entries are used
   * @param length the sequence's current length
   * @param logits one score per vocabulary id
   */
  void apply(int[] sequence, int length, float[] logits);
}
