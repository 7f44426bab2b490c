package ai.hubbatch.model.stage;

import java.util.Arrays;
import java.util.List;

/**
 * Token sequences padded to one length, ready for an encoder: {@code input_ids}, {@code
 * attention_mask} and {@code token_type_ids} as int64 {@code [batch, length]}.
 *
 * <p>Padding is on the right with id {@code padId}, mask 0 and type 0, as the Hub tokenizers do.
 */
public final class TokenBatch {

  private final int size;
  private final int length;
  private final long[] inputIds;
  private final long[] attentionMask;
  private final long[] tokenTypeIds;
  private final int realTokens;

  private TokenBatch(int size, int length, long[] ids, long[] mask, long[] types, int real) {
    this.size = size;
    this.length = length;
    this.inputIds = ids;
    this.attentionMask = mask;
    this.tokenTypeIds = types;
    this.realTokens = real;
  }

  /**
   * Pads the sequences to the longest of them.
   *
   * @param ids token ids per sequence
   * @param typeIds token type ids per sequence (same lengths as {@code ids})
   * @param padId the tokenizer's padding id
   */
  public static TokenBatch pad(List<long[]> ids, List<long[]> typeIds, long padId) {
    int size = ids.size();
    int length = 0;
    int real = 0;
    for (long[] seq : ids) {
      length = Math.max(length, seq.length);
      real += seq.length;
    }
    long[] flatIds = new long[size * length];
    long[] mask = new long[size * length];
    long[] types = new long[size * length];
    Arrays.fill(flatIds, padId);
    for (int i = 0; i < size; i++) {
      long[] seq = ids.get(i);
      System.arraycopy(seq, 0, flatIds, i * length, seq.length);
      System.arraycopy(typeIds.get(i), 0, types, i * length, seq.length);
      Arrays.fill(mask, i * length, i * length + seq.length, 1L);
    }
    return new TokenBatch(size, length, flatIds, mask, types, real);
  }

  /** Number of sequences. */
  public int size() {
    return size;
  }

  /** Padded length of every sequence. */
  public int length() {
    return length;
  }

  /** Tokens before padding, summed over the batch. */
  public int realTokens() {
    return realTokens;
  }

  /** {@code size() * length()}: what the engine computes over. */
  public int paddedTokens() {
    return size * length;
  }

  long[] inputIds() {
    return inputIds;
  }

  long[] attentionMask() {
    return attentionMask;
  }

  long[] tokenTypeIds() {
    return tokenTypeIds;
  }
}
