package ai.hubbatch.model.decode;

import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.generate.GenerationConfig;
import ai.hubbatch.model.generate.LogitsHook;
import java.util.Map;
import java.util.Objects;

/**
 * One prompt to generate from, as a task prepares it: what the decoder starts from, what the
 * encoder reads (encoder-decoder models only), and how to generate.
 *
 * @param prompt the tokens the decoder continues: a decoder-only model's prompt (already fitted to
 *     the context), an encoder-decoder's decoder start tokens
 * @param encoderInputs the encoder's inputs by name, each with a batch dimension of 1 ({@code
 *     input_ids} and {@code attention_mask} for text, {@code input_features} for speech); empty for
 *     a decoder-only model
 * @param encoderPositions the positions of the encoder's output, which cross-attention keeps in the
 *     cache and the encoder computes over: a text's token count, Whisper's 1,500 frames for its
 *     3,000 feature frames; 0 for a decoder-only model
 * @param config the generation's parameters, validated
 * @param seed the seed sampling draws from (the request's, or one drawn when it gave none), so a
 *     retried prompt draws the same tokens
 * @param notice what to report about the prompt (it was truncated), or null
 * @param hook a model family's rule over each step's logits (Whisper's), or null; greedy and
 *     sampled generation only
 */
public record GenerationInput(
    int[] prompt,
    Map<String, HostTensor> encoderInputs,
    int encoderPositions,
    GenerationConfig config,
    long seed,
    String notice,
    LogitsHook hook) {

  public GenerationInput {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("A generation needs at least one token to start from");
    }
    prompt = prompt.clone();
    encoderInputs = Map.copyOf(encoderInputs);
    Objects.requireNonNull(config, "config");
    if (hook != null && config.numBeams() > 1) {
      throw new IllegalArgumentException("A logits hook serves greedy and sampled generation only");
    }
  }

  /**
   * A prompt without a logits hook whose encoder reads tokens: its encoder positions are its
   * inputs' second dimension (their length).
   */
  public GenerationInput(
      int[] prompt,
      Map<String, HostTensor> encoderInputs,
      GenerationConfig config,
      long seed,
      String notice) {
    this(prompt, encoderInputs, tokenLength(encoderInputs), config, seed, notice, null);
  }

  private static int tokenLength(Map<String, HostTensor> encoderInputs) {
    return encoderInputs.values().stream()
        .mapToInt(t -> t.shape().length > 1 ? (int) t.shape()[1] : 0)
        .max()
        .orElse(0);
  }

  /** A decoder-only model's prompt. */
  public static GenerationInput decoderOnly(
      int[] prompt, GenerationConfig config, long seed, String notice) {
    return new GenerationInput(prompt, Map.of(), config, seed, notice);
  }

  @Override
  public int[] prompt() {
    return prompt.clone();
  }

  int promptLength() {
    return prompt.length;
  }

  /** How many rows of a batch it takes: its beams, or the sequences it samples. */
  public int rows() {
    if (config.numBeams() > 1) {
      return config.numBeams();
    }
    return config.doSample() ? config.numReturnSequences() : 1;
  }

  /**
   * The cache positions it may hold per row at most: the decoder's longest sequence and, for an
   * encoder-decoder, the encoder positions its cross-attention keeps.
   */
  public long reservation() {
    return (long) config.maxLength(prompt.length) + encoderPositions;
  }

  @Override
  public String toString() {
    return "GenerationInput[prompt of "
        + prompt.length
        + " tokens, encoder "
        + encoderInputs.keySet()
        + "]";
  }
}
