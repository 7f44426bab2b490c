package ai.hubbatch.model.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * One tokenized sequence, unpadded, with special tokens. Keeps DJL's {@link Encoding} so tasks
 * that map tokens back to text (offsets, word ids) can.
 */
public final class TokenizedText {

  private final Encoding encoding;

  TokenizedText(Encoding encoding) {
    this.encoding = encoding;
  }

  public long[] ids() {
    return encoding.getIds();
  }

  public long[] typeIds() {
    return encoding.getTypeIds();
  }

  /** Number of tokens, special tokens included. */
  public int length() {
    return encoding.getIds().length;
  }

  /** Whether truncation dropped tokens. */
  public boolean truncated() {
    return encoding.exceedMaxLength();
  }

  public Encoding encoding() {
    return encoding;
  }
}
