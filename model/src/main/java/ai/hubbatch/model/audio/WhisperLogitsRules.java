package ai.hubbatch.model.audio;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The logits processors transformers' Whisper generation adds, in its order, for one row of
 * next-token logits, engine-free: {@code begin_suppress_tokens} at the first generated position,
 * {@code suppress_tokens} always, and with timestamps the {@code WhisperTimeStampLogitsProcessor}
 * (no {@code <|notimestamps|>}; timestamps in pairs, except right before the end; never going back
 * in time; a timestamp first, at most {@code max_initial_timestamp_index} steps in; a timestamp
 * whenever all timestamps together outweigh the best text token). transformers.js 4.3.1 differs: it
 * skips the initial-timestamp limit and the no-going-back rule. Immutable.
 */
public final class WhisperLogitsRules {

  private final int[] suppress;
  private final int[] beginSuppress;
  private final int noTimestamps;
  private final int timestampBegin;
  private final int endOfText;
  private final Integer maxInitialTimestampIndex;

  private WhisperLogitsRules(
      int[] suppress,
      int[] beginSuppress,
      int noTimestamps,
      int endOfText,
      Integer maxInitialTimestampIndex) {
    this.suppress = suppress;
    this.beginSuppress = beginSuppress;
    this.noTimestamps = noTimestamps;
    this.timestampBegin = noTimestamps + 1;
    this.endOfText = endOfText;
    this.maxInitialTimestampIndex = maxInitialTimestampIndex;
  }

  /** The rules of a model's {@code generation_config.json}. */
  public static WhisperLogitsRules fromConfig(JsonNode generationConfig) {
    JsonNode noTimestamps = generationConfig.path("no_timestamps_token_id");
    if (!noTimestamps.isIntegralNumber()) {
      throw new IllegalArgumentException(
          "generation_config.json has no no_timestamps_token_id: not a Whisper model");
    }
    JsonNode eos = generationConfig.path("eos_token_id");
    if (eos.isArray()) {
      eos = eos.get(0);
    }
    if (eos == null || !eos.isIntegralNumber()) {
      eos = generationConfig.path("bos_token_id");
    }
    JsonNode initial = generationConfig.path("max_initial_timestamp_index");
    return new WhisperLogitsRules(
        ints(generationConfig.path("suppress_tokens")),
        ints(generationConfig.path("begin_suppress_tokens")),
        noTimestamps.asInt(),
        eos.asInt(),
        initial.isIntegralNumber() ? initial.asInt() : null);
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }

  /** The id of {@code <|0.00|>}: timestamps are this and every id after it. */
  public int timestampBegin() {
    return timestampBegin;
  }

  /**
   * Applies the rules to {@code logits}, the next-token logits after {@code sequence} (the prompt
   * of {@code promptLength} tokens and what has been generated since).
   */
  public void apply(float[] logits, long[] sequence, int promptLength, boolean timestamps) {
    if (sequence.length == promptLength) {
      fill(logits, beginSuppress);
    }
    fill(logits, suppress);
    if (timestamps) {
      applyTimestamps(logits, sequence, promptLength);
    }
  }

  private void applyTimestamps(float[] logits, long[] sequence, int begin) {
    logits[noTimestamps] = Float.NEGATIVE_INFINITY;
    int generated = sequence.length - begin;
    boolean lastWasTimestamp = generated >= 1 && sequence[sequence.length - 1] >= timestampBegin;
    boolean penultimateWasTimestamp =
        generated < 2 || sequence[sequence.length - 2] >= timestampBegin;
    if (lastWasTimestamp) {
      if (penultimateWasTimestamp) {
        fill(logits, timestampBegin, logits.length);
      } else {
        fill(logits, 0, endOfText);
      }
    }
    long lastTimestamp = -1;
    for (int i = begin; i < sequence.length; i++) {
      if (sequence[i] >= timestampBegin) {
        lastTimestamp = sequence[i];
      }
    }
    if (lastTimestamp >= 0) {
      long end = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
      fill(logits, timestampBegin, (int) Math.min(end, logits.length));
    }
    if (generated == 0) {
      fill(logits, 0, timestampBegin);
      if (maxInitialTimestampIndex != null) {
        fill(logits, timestampBegin + maxInitialTimestampIndex + 1, logits.length);
      }
    }
    // A timestamp when the timestamps' total probability beats the best text token's.
    double max = Double.NEGATIVE_INFINITY;
    for (float logit : logits) {
      max = Math.max(max, logit);
    }
    double total = 0;
    for (float logit : logits) {
      total += Math.exp(logit - max);
    }
    double logTotal = Math.log(total) + max;
    double timestampMass = 0;
    for (int i = timestampBegin; i < logits.length; i++) {
      timestampMass += Math.exp(logits[i] - max);
    }
    double timestampLogprob = Math.log(timestampMass) + max - logTotal;
    double bestText = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < timestampBegin && i < logits.length; i++) {
      bestText = Math.max(bestText, logits[i] - logTotal);
    }
    if (timestampLogprob > bestText) {
      fill(logits, 0, timestampBegin);
    }
  }

  private static void fill(float[] logits, int[] ids) {
    for (int id : ids) {
      if (id >= 0 && id < logits.length) {
        logits[id] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  private static void fill(float[] logits, int from, int to) {
    for (int i = Math.max(0, from); i < Math.min(to, logits.length); i++) {
      logits[i] = Float.NEGATIVE_INFINITY;
    }
  }
}
