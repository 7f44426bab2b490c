package ai.hubbatch.model.generate;

import ai.hubbatch.model.codec.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/**
 * Fits a decoder-only prompt into the model's context: a prompt too long to leave room for the
 * tokens to generate loses its oldest tokens (truncated from the left, as transformers' pipeline
 * does with {@code handle_long_generation="hole"}), and the caller reports the {@link
 * Fitted#warning()} in the run summary instead of failing the record. A {@code max_new_tokens} that
 * alone exceeds the context is the request's error.
 *
 * <p>Encoder-decoder inputs are cut by the tokenizer at the encoder's maximum (from the right, as
 * the pipelines' {@code truncation=True} does), not here.
 */
public final class PromptTruncation {

  private PromptTruncation() {}

  /**
   * A prompt after fitting.
   *
   * @param ids the tokens kept (the newest)
   * @param dropped how many of the oldest tokens were cut, 0 when none
   * @param warning what to report when tokens were cut, null otherwise
   */
  public record Fitted(int[] ids, int dropped, String warning) {

    public boolean truncated() {
      return dropped > 0;
    }
  }

  /**
   * The model's context in tokens from its config.json ({@code max_position_embeddings}, {@code
   * n_positions} or {@code n_ctx}), or -1 when it states none (RoPE models may run past it, but
   * their config states what they were trained for).
   */
  public static int contextLength(JsonNode config) {
    for (String key : new String[] {"max_position_embeddings", "n_positions", "n_ctx"}) {
      JsonNode value = config.path(key);
      if (value.canConvertToInt() && value.asInt() > 0) {
        return value.asInt();
      }
    }
    return -1;
  }

  /**
   * Cuts the oldest tokens of a prompt so that it and the tokens to generate fit the context.
   *
   * @param prompt the prompt's tokens
   * @param config the generation's parameters: {@code max_new_tokens} when set, otherwise at least
   *     one new token must fit
   * @param context the model's context ({@link #contextLength}); -1: no limit
   * @throws InvalidRequestException when {@code max_new_tokens} alone does not fit the context
   */
  public static Fitted fit(int[] prompt, GenerationConfig config, int context) {
    if (context < 0) {
      return new Fitted(prompt, 0, null);
    }
    Integer maxNewTokens = config.maxNewTokens();
    if (maxNewTokens != null && maxNewTokens >= context) {
      throw new InvalidRequestException(
          "\"max_new_tokens\" ("
              + maxNewTokens
              + ") is beyond the model's context of "
              + context
              + " tokens; it must leave room for the prompt");
    }
    int keep = context - (maxNewTokens != null ? maxNewTokens : 1);
    if (prompt.length <= keep) {
      return new Fitted(prompt, 0, null);
    }
    int dropped = prompt.length - keep;
    return new Fitted(
        Arrays.copyOfRange(prompt, dropped, prompt.length),
        dropped,
        "A prompt of "
            + prompt.length
            + " tokens was truncated from the left to its last "
            + keep
            + " to fit the model's context of "
            + context
            + " tokens"
            + (maxNewTokens != null ? " with max_new_tokens " + maxNewTokens : ""));
  }
}
