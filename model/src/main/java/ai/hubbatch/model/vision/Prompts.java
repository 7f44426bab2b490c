package ai.hubbatch.model.vision;

import ai.hubbatch.model.tokenize.TextTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * The texts a dual encoder scores images against (zero-shot's candidate labels in their template),
 * tokenized and padded on the right to the longest, as the pipeline's tokenizer call pads them.
 * Equal prompts are equal values, so images asked about the same labels share engine calls.
 */
public final class Prompts {

  private final int count;
  private final int length;
  private final long[] ids;
  private final long[] mask;

  private Prompts(int count, int length, long[] ids, long[] mask) {
    this.count = count;
    this.length = length;
    this.ids = ids;
    this.mask = mask;
  }

  /**
   * Tokenizes and pads the texts.
   *
   * @param padId the padding id (CLIP pads with its end-of-text token)
   */
  public static Prompts encode(TextTokenizer tokenizer, List<String> texts, long padId) {
    long[][] encoded = new long[texts.size()][];
    int length = 0;
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = tokenizer.encode(texts.get(i)).ids();
      length = Math.max(length, encoded[i].length);
    }
    long[] ids = new long[texts.size() * length];
    long[] mask = new long[texts.size() * length];
    Arrays.fill(ids, padId);
    for (int i = 0; i < encoded.length; i++) {
      System.arraycopy(encoded[i], 0, ids, i * length, encoded[i].length);
      Arrays.fill(mask, i * length, i * length + encoded[i].length, 1L);
    }
    return new Prompts(texts.size(), length, ids, mask);
  }

  /** Number of texts. */
  public int count() {
    return count;
  }

  /** The {@code [count, length]} shape of the ids and the mask. */
  long[] shape() {
    return new long[] {count, length};
  }

  /** {@code input_ids}, row-major; not to be changed. */
  long[] ids() {
    return ids;
  }

  /** {@code attention_mask}, row-major; not to be changed. */
  long[] mask() {
    return mask;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Prompts prompts
        && prompts.count == count
        && Arrays.equals(prompts.ids, ids)
        && Arrays.equals(prompts.mask, mask);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + count;
  }
}
