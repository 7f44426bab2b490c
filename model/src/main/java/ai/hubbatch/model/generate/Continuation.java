package ai.hubbatch.model.generate;

import java.util.Arrays;

/**
 * One sequence generated greedily or by sampling (not beam search): it takes each step's logits
 * row, processes it ({@link LogitsProcessor}), chooses the next token ({@link TokenSampler}) and
 * knows when the sequence is finished, as transformers' stopping criteria decide:
 *
 * <ul>
 *   <li>an EOS id was produced ({@link FinishReason#EOS}; it is the last generated token);
 *   <li>the sequence reached {@link GenerationConfig#maxLength(int)} ({@link FinishReason#LENGTH});
 *   <li>a stop string appeared in the decoded generated text ({@link FinishReason#STOP_STRING}).
 * </ul>
 *
 * <p>The result does not depend on what other sequences share the batch: the state is this
 * sequence's alone. Not thread-safe (one decoding loop drives it).
 */
public final class Continuation {

  private final LogitsProcessor processor;
  private final LogitsHook hook;
  private final TokenSampler sampler;
  private final StopStrings stopStrings;
  private final TokenDecoder decoder;
  private final int[] eos;
  private final int promptLength;
  private final int maxLength;
  private int[] sequence;
  private int length;
  private String text = "";
  private FinishReason finished;

  /**
   * @param config the generation's parameters (validated)
   * @param prompt the sequence to continue: the prompt's ids, or an encoder-decoder's decoder start
   * @param sampler greedy or seeded for this sequence
   * @param decoder decodes generated ids for stop strings; may be null when there are none
   */
  public Continuation(
      GenerationConfig config, int[] prompt, TokenSampler sampler, TokenDecoder decoder) {
    this(config, prompt, sampler, decoder, null);
  }

  /**
   * A sequence whose logits also go through a model family's {@code hook} (after the processors).
   *
   * @param hook the family's rule, or null
   */
  public Continuation(
      GenerationConfig config,
      int[] prompt,
      TokenSampler sampler,
      TokenDecoder decoder,
      LogitsHook hook) {
    this.hook = hook;
    this.promptLength = prompt.length;
    this.maxLength = config.maxLength(prompt.length);
    config.maxNewTokens(prompt.length); // refuses a max_length that leaves no room
    this.processor = new LogitsProcessor(config, prompt.length);
    this.sampler = sampler;
    this.stopStrings = new StopStrings(config.stopStrings());
    if (!stopStrings.isEmpty() && decoder == null) {
      throw new IllegalArgumentException("stop strings need a decoder");
    }
    this.decoder = decoder;
    this.eos = config.eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
    this.sequence = Arrays.copyOf(prompt, Math.max(maxLength, prompt.length));
    this.length = prompt.length;
  }

  /**
   * Takes the logits for this sequence's next position and appends the chosen token.
   *
   * @param logits one score per vocabulary id; processed in place
   * @return the token appended
   * @throws IllegalStateException when the sequence is already finished
   */
  public int step(float[] logits) {
    if (finished != null) {
      throw new IllegalStateException("the sequence is finished (" + finished + ")");
    }
    processor.apply(sequence, length, logits);
    if (hook != null) {
      hook.apply(sequence, length, logits);
    }
    int token = sampler.next(logits);
    sequence[length++] = token;
    if (contains(eos, token)) {
      finished = FinishReason.EOS;
    } else if (!stopStrings.isEmpty() && stopped()) {
      finished = FinishReason.STOP_STRING;
    } else if (length >= maxLength) {
      finished = FinishReason.LENGTH;
    }
    return token;
  }

  private boolean stopped() {
    String previous = text;
    text = decoder.decode(generated());
    return stopStrings.matches(previous, text);
  }

  private static boolean contains(int[] ids, int id) {
    for (int candidate : ids) {
      if (candidate == id) {
        return true;
      }
    }
    return false;
  }

  public boolean isFinished() {
    return finished != null;
  }

  /** Why it finished, or null while it runs. */
  public FinishReason finishReason() {
    return finished;
  }

  /** The generated tokens so far (an EOS that finished it included). */
  public int[] generated() {
    return Arrays.copyOfRange(sequence, promptLength, length);
  }

  /** The whole sequence so far: prompt (or decoder start) and generated tokens. */
  public int[] sequence() {
    return Arrays.copyOf(sequence, length);
  }

  /** The last token appended, or the prompt's last before the first step. */
  public int lastToken() {
    return sequence[length - 1];
  }
}
