package ai.hubbatch.model.decode;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows decoding together in one engine call per step: the prompts that occupy them (each on
 * consecutive rows), the engine-held cache, and per row what the host feeds alongside it.
 *
 * <p>The cache has {@link #time} positions per row; row {@code r} holds its {@code time - pad[r]}
 * real positions at the end, after {@code pad[r]} positions of left padding that its attention mask
 * hides. Only ragged batches (see {@link GenerationModel#ragged()}) have padding; in the others
 * every row is at the same length. Not thread-safe.
 */
final class DecodeBatch implements AutoCloseable {

  final List<Generation> generations;
  final HeldCache cache;

  /** Cache positions per row. */
  int time;

  /** Left padding per row. */
  int[] pad;

  /** The token each row feeds next (not yet in the cache). */
  int[] next;

  /** An encoder-decoder's encoder attention mask per row; null for a decoder-only model. */
  long[][] encoderMask;

  DecodeBatch(List<Generation> generations, HeldCache cache, int time, int[] pad, int[] next) {
    this.generations = new ArrayList<>(generations);
    this.cache = cache;
    this.time = time;
    this.pad = pad;
    this.next = next;
  }

  int rows() {
    return next.length;
  }

  /** Real (unpadded) cache positions of row {@code r}: its position id for the next token. */
  int length(int row) {
    return time - pad[row];
  }

  @Override
  public void close() {
    cache.close();
  }
}
