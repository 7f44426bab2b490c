package ai.hubbatch.model.audio;

import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The speech pipeline's CTC decoding, engine-free: greedy ids from the logits (first maximum on
 * ties, as argmax), the tokenizer's decoding, and timestamps in seconds from the frames as the
 * pipeline computes them ({@code frame * inputs_to_logits_ratio / sampling_rate}, where the ratio
 * is the product of the feature encoder's {@code conv_stride}). Immutable.
 */
public final class CtcDecoder {

  private final CtcTokenizer tokenizer;
  private final int inputsToLogitsRatio;
  private final int samplingRate;

  public CtcDecoder(CtcTokenizer tokenizer, int inputsToLogitsRatio, int samplingRate) {
    if (inputsToLogitsRatio <= 0 || samplingRate <= 0) {
      throw new IllegalArgumentException(
          "inputs_to_logits_ratio and sampling_rate must be positive, got "
              + inputsToLogitsRatio
              + " and "
              + samplingRate);
    }
    this.tokenizer = tokenizer;
    this.inputsToLogitsRatio = inputsToLogitsRatio;
    this.samplingRate = samplingRate;
  }

  /** The decoder of a CTC model folder (config.json, preprocessor_config.json, tokenizer). */
  public static CtcDecoder load(ModelFolder folder) {
    int rate = folder.json("preprocessor_config.json").path("sampling_rate").asInt(16000);
    return new CtcDecoder(CtcTokenizer.load(folder), inputsToLogitsRatio(folder.config()), rate);
  }

  /** transformers' {@code inputs_to_logits_ratio}: the product of {@code conv_stride}. */
  public static int inputsToLogitsRatio(JsonNode config) {
    JsonNode strides = config.path("conv_stride");
    if (!strides.isArray() || strides.isEmpty()) {
      throw new IllegalArgumentException(
          "config.json has no conv_stride: not a wav2vec2-style CTC model");
    }
    int ratio = 1;
    for (JsonNode stride : strides) {
      ratio *= stride.asInt();
    }
    return ratio;
  }

  public int inputsToLogitsRatio() {
    return inputsToLogitsRatio;
  }

  public int samplingRate() {
    return samplingRate;
  }

  public CtcTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * The greedy ids of {@code frames} rows of {@code vocabulary} logits each, read from {@code
   * logits} at {@code offset}.
   */
  public static int[] greedy(float[] logits, int offset, int frames, int vocabulary) {
    int[] ids = new int[frames];
    for (int t = 0; t < frames; t++) {
      int row = offset + t * vocabulary;
      int best = 0;
      for (int v = 1; v < vocabulary; v++) {
        if (logits[row + v] > logits[row + best]) {
          best = v;
        }
      }
      ids[t] = best;
    }
    return ids;
  }

  /** The transcript of greedy ids, with chunks per character or word when asked. */
  public Transcript transcribe(int[] ids, CtcTimestamps timestamps) {
    CtcTokenizer.Decoded decoded = tokenizer.decode(ids, timestamps != CtcTimestamps.NONE);
    if (timestamps == CtcTimestamps.NONE) {
      return Transcript.of(decoded.text());
    }
    List<CtcTokenizer.Offset> offsets =
        timestamps == CtcTimestamps.CHAR ? decoded.chars() : decoded.words();
    List<TimedText> chunks = new ArrayList<>();
    for (CtcTokenizer.Offset offset : offsets) {
      chunks.add(new TimedText(offset.text(), seconds(offset.start()), seconds(offset.end())));
    }
    return new Transcript(decoded.text(), Optional.of(chunks));
  }

  private double seconds(int frame) {
    return (double) ((long) frame * inputsToLogitsRatio) / samplingRate;
  }
}
