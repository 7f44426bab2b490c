package ai.hubbatch.model.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

/**
 * One tokenized sequence, unpadded, with special tokens. Keeps DJL's {@link Encoding} so tasks that
 * map tokens back to text (offsets, word ids) can.
 *
 * <p>Character offsets count Unicode code points, as Python string indices do, so they can be
 * returned to users as the toolkit returns them; {@link CodePoints} turns them into Java indices.
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

  /** The token strings, as {@code convert_ids_to_tokens} gives them. */
  public String[] tokens() {
    return encoding.getTokens();
  }

  /** 1 for special tokens ({@code [CLS]}, {@code </s>}), 0 for text. */
  public long[] specialTokenMask() {
    return encoding.getSpecialTokenMask();
  }

  /** The word index of each token within its sequence; negative for special tokens. */
  public long[] wordIds() {
    return encoding.getWordIds();
  }

  /** Which input each token comes from (0 text, 1 pair); negative for special tokens. */
  public long[] sequenceIds() {
    return encoding.getSequenceIds();
  }

  /** Whether token {@code i} maps to characters of its input (special tokens do not). */
  public boolean hasOffsets(int i) {
    return encoding.getCharTokenSpans()[i] != null;
  }

  /** Start of token {@code i} in its input, in code points. */
  public int start(int i) {
    CharSpan span = encoding.getCharTokenSpans()[i];
    return span == null ? 0 : span.getStart();
  }

  /** End (exclusive) of token {@code i} in its input, in code points. */
  public int end(int i) {
    CharSpan span = encoding.getCharTokenSpans()[i];
    return span == null ? 0 : span.getEnd();
  }

  public Encoding encoding() {
    return encoding;
  }
}
