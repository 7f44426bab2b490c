package ai.hubbatch.model.decode;

import ai.hubbatch.model.engine.DataType;

/**
 * One key or value tensor of a decoder's cache, {@code [batch, heads, positions, head_dim]}: the
 * input that takes it ({@code past_key_values.0.key}), the output that gives it back grown by the
 * step ({@code present.0.key}), and its fixed dimensions.
 *
 * @param input the past input's name
 * @param output the present output's name
 * @param cross whether it is an encoder-decoder's cross-attention cache ({@code .encoder.}), which
 *     the first step computes from the encoder's states and later steps only read
 * @param heads the key/value heads
 * @param headDim the size of each head
 * @param type the element type (float32, or float16 for half-precision exports)
 */
record CacheEntry(
    String input, String output, boolean cross, long heads, long headDim, DataType type) {

  /** The axis positions grow along. */
  static final int TIME_AXIS = 2;

  static final int RANK = 4;

  /** Bytes one position of one row takes. */
  long bytesPerPosition() {
    return heads * headDim * type.bytes();
  }
}
