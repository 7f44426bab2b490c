package ai.hubbatch.model.audio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;

/**
 * transformers' {@code Wav2Vec2FeatureExtractor} (wav2vec2, HuBERT, the audio classifiers that take
 * raw samples): each input normalised to zero mean and unit variance when {@code do_normalize}
 * ({@code (x - mean) / sqrt(var + 1e-7)}, over the input's own samples, as the pipeline feeds one
 * input at a time), then a batch padded with {@code padding_value} to its longest input, with an
 * attention mask when {@code return_attention_mask}. Immutable.
 */
public final class Wav2Vec2FeatureExtractor {

  private final int samplingRate;
  private final boolean normalize;
  private final float paddingValue;
  private final boolean attentionMask;

  private Wav2Vec2FeatureExtractor(
      int samplingRate, boolean normalize, float paddingValue, boolean attentionMask) {
    this.samplingRate = samplingRate;
    this.normalize = normalize;
    this.paddingValue = paddingValue;
    this.attentionMask = attentionMask;
  }

  /** The extractor a {@code preprocessor_config.json} describes, with the Python defaults. */
  public static Wav2Vec2FeatureExtractor fromConfig(JsonNode config) {
    int rate = config.path("sampling_rate").asInt(16000);
    if (rate <= 0) {
      throw new IllegalArgumentException("sampling_rate must be positive, got " + rate);
    }
    if (config.path("feature_size").asInt(1) != 1) {
      throw new IllegalArgumentException(
          "only raw-sample extractors (feature_size 1) are supported, got feature_size "
              + config.path("feature_size"));
    }
    return new Wav2Vec2FeatureExtractor(
        rate,
        config.path("do_normalize").asBoolean(true),
        (float) config.path("padding_value").asDouble(0.0),
        config.path("return_attention_mask").asBoolean(false));
  }

  public int samplingRate() {
    return samplingRate;
  }

  public boolean normalizes() {
    return normalize;
  }

  /** Whether the model takes an {@code attention_mask} beside {@code input_values}. */
  public boolean returnsAttentionMask() {
    return attentionMask;
  }

  /** One input's {@code input_values}: normalised when the configuration says so, else a copy. */
  public float[] inputValues(float[] samples) {
    if (!normalize) {
      return samples.clone();
    }
    double sum = 0;
    for (float sample : samples) {
      sum += sample;
    }
    double mean = samples.length == 0 ? 0 : sum / samples.length;
    double squares = 0;
    for (float sample : samples) {
      squares += (sample - mean) * (sample - mean);
    }
    double scale = Math.sqrt((samples.length == 0 ? 0 : squares / samples.length) + 1e-7);
    float[] values = new float[samples.length];
    for (int i = 0; i < samples.length; i++) {
      values[i] = (float) ((samples[i] - mean) / scale);
    }
    return values;
  }

  /**
   * A batch of inputs: each one's {@link #inputValues}, padded to the longest with {@code
   * padding_value}, and the attention mask (1 for samples, 0 for padding).
   */
  public Batch batch(List<float[]> inputs) {
    int longest = inputs.stream().mapToInt(input -> input.length).max().orElse(0);
    float[][] values = new float[inputs.size()][];
    long[][] mask = new long[inputs.size()][longest];
    for (int i = 0; i < inputs.size(); i++) {
      float[] input = inputValues(inputs.get(i));
      values[i] = Arrays.copyOf(input, longest);
      Arrays.fill(values[i], input.length, longest, paddingValue);
      Arrays.fill(mask[i], 0, input.length, 1L);
    }
    return new Batch(values, mask, attentionMask);
  }

  /**
   * A padded batch: {@code input_values} {@code [batch][samples]} and the attention mask, which the
   * model takes when {@link #feedMask()} (the configuration's {@code return_attention_mask}).
   */
  public record Batch(float[][] inputValues, long[][] attentionMask, boolean feedMask) {}
}
