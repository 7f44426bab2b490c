package ai.hubbatch.model.audio;

import com.fasterxml.jackson.databind.JsonNode;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * transformers' {@code WhisperFeatureExtractor}: 30-second windows of 16 kHz samples to log-mel
 * features of {@code feature_size} bins by 3000 frames, as the Python extractor computes them (to
 * 1e-4; tested against {@code torch.stft}'s). The recipe: pad with {@code padding_value} or cut to
 * {@code n_samples}; periodic Hann window of {@code n_fft}; centred STFT (reflect padding of half a
 * window), hop {@code hop_length}, the last frame dropped; power spectrum; Slaney-normalised mel
 * filters from 0 to 8 kHz on the Slaney mel scale (or {@code mel_filters} from the configuration
 * when it has them); {@code log10(max(x, 1e-10))}; floored at the maximum minus 8; {@code (x + 4) /
 * 4}. The arithmetic is in double. Immutable and thread-safe.
 */
public final class WhisperFeatureExtractor {

  private final int samplingRate;
  private final int fftSize;
  private final int hop;
  private final int samples;
  private final int frames;
  private final float paddingValue;
  private final double[][] melFilters;
  private final double[] window;

  private WhisperFeatureExtractor(
      int samplingRate,
      int fftSize,
      int hop,
      int samples,
      float paddingValue,
      double[][] melFilters) {
    this.samplingRate = samplingRate;
    this.fftSize = fftSize;
    this.hop = hop;
    this.samples = samples;
    this.frames = samples / hop;
    this.paddingValue = paddingValue;
    this.melFilters = melFilters;
    this.window = new double[fftSize];
    for (int n = 0; n < fftSize; n++) {
      window[n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / fftSize);
    }
  }

  /**
   * The extractor a {@code preprocessor_config.json} describes, with the Python extractor's
   * defaults for what it leaves out (80 bins, 16 kHz, hop 160, n_fft 400, 30-second chunks).
   *
   * @throws IllegalArgumentException for a configuration the extractor cannot follow
   */
  public static WhisperFeatureExtractor fromConfig(JsonNode config) {
    int bins = config.path("feature_size").asInt(80);
    int rate = config.path("sampling_rate").asInt(16000);
    int fft = config.path("n_fft").asInt(400);
    int hop = config.path("hop_length").asInt(160);
    int chunk = config.path("chunk_length").asInt(30);
    int samples = config.path("n_samples").asInt(chunk * rate);
    if (bins <= 0 || rate <= 0 || fft <= 0 || fft % 2 != 0 || hop <= 0 || samples < fft) {
      throw new IllegalArgumentException(
          "not a Whisper feature extractor configuration: feature_size "
              + bins
              + ", sampling_rate "
              + rate
              + ", n_fft (even) "
              + fft
              + ", hop_length "
              + hop
              + ", n_samples "
              + samples);
    }
    double[][] filters =
        config.has("mel_filters")
            ? configuredFilters(config.get("mel_filters"), fft / 2 + 1, bins)
            : slaneyMelFilters(bins, fft / 2 + 1, 0.0, 8000.0, rate);
    return new WhisperFeatureExtractor(
        rate, fft, hop, samples, (float) config.path("padding_value").asDouble(0.0), filters);
  }

  /**
   * transformers' {@code mel_filter_bank} with {@code norm="slaney"} and {@code
   * mel_scale="slaney"}: {@code [bins][frequencyBins]}, triangles between mel-spaced frequencies,
   * each scaled by 2 over its width in Hz.
   */
  public static double[][] slaneyMelFilters(
      int bins, int frequencyBins, double minHz, double maxHz, int samplingRate) {
    double melMin = hertzToMel(minHz);
    double melMax = hertzToMel(maxHz);
    double[] edges = new double[bins + 2];
    double melStep = (melMax - melMin) / (bins + 1);
    for (int i = 0; i < edges.length; i++) {
      edges[i] = melToHertz(i == edges.length - 1 ? melMax : melMin + i * melStep);
    }
    double nyquist = samplingRate / 2;
    double fftStep = nyquist / (frequencyBins - 1);
    double[][] filters = new double[bins][frequencyBins];
    for (int f = 0; f < frequencyBins; f++) {
      double hz = f == frequencyBins - 1 ? nyquist : f * fftStep;
      for (int m = 0; m < bins; m++) {
        double down = (hz - edges[m]) / (edges[m + 1] - edges[m]);
        double up = (edges[m + 2] - hz) / (edges[m + 2] - edges[m + 1]);
        double weight = Math.max(0.0, Math.min(down, up));
        filters[m][f] = weight * 2.0 / (edges[m + 2] - edges[m]);
      }
    }
    return filters;
  }

  private static double hertzToMel(double hz) {
    double mel = 3.0 * hz / 200.0;
    return hz >= 1000.0 ? 15.0 + Math.log(hz / 1000.0) * (27.0 / Math.log(6.4)) : mel;
  }

  private static double melToHertz(double mel) {
    double hz = 200.0 * mel / 3.0;
    return mel >= 15.0 ? 1000.0 * Math.exp(Math.log(6.4) / 27.0 * (mel - 15.0)) : hz;
  }

  /** {@code mel_filters} as the configuration stores it: [frequency bins][mel bins]. */
  private static double[][] configuredFilters(JsonNode rows, int frequencyBins, int bins) {
    if (!rows.isArray() || rows.size() != frequencyBins) {
      throw new IllegalArgumentException(
          "mel_filters must have " + frequencyBins + " rows of " + bins + " values");
    }
    double[][] filters = new double[bins][frequencyBins];
    for (int f = 0; f < frequencyBins; f++) {
      JsonNode row = rows.get(f);
      if (!row.isArray() || row.size() != bins) {
        throw new IllegalArgumentException(
            "mel_filters must have " + frequencyBins + " rows of " + bins + " values");
      }
      for (int m = 0; m < bins; m++) {
        filters[m][f] = row.get(m).asDouble();
      }
    }
    return filters;
  }

  public int samplingRate() {
    return samplingRate;
  }

  /** Mel bins (rows of the features). */
  public int featureSize() {
    return melFilters.length;
  }

  /** Frames per window (columns of the features): 3000 for 30 s at hop 160. */
  public int frames() {
    return frames;
  }

  /** Samples per window: the input is padded or cut to this many. */
  public int windowSamples() {
    return samples;
  }

  /** The mel filters in use, {@code [bins][n_fft / 2 + 1]} (a copy). */
  public double[][] melFilters() {
    double[][] copy = new double[melFilters.length][];
    for (int m = 0; m < melFilters.length; m++) {
      copy[m] = melFilters[m].clone();
    }
    return copy;
  }

  /**
   * The log-mel features of one window: {@code [featureSize][frames]}, row-major. Samples past
   * {@link #windowSamples()} are ignored; a shorter input is padded.
   */
  public float[] extract(float[] input) {
    double[] padded = new double[samples];
    int length = Math.min(input.length, samples);
    for (int i = 0; i < samples; i++) {
      padded[i] = i < length ? input[i] : paddingValue;
    }
    int bins = melFilters.length;
    int half = fftSize / 2;
    double[] mel = new double[bins * frames];
    double[] frame = new double[fftSize];
    double[] power = new double[half + 1];
    DoubleFFT_1D fft = new DoubleFFT_1D(fftSize);
    for (int t = 0; t < frames; t++) {
      int start = t * hop - half;
      for (int n = 0; n < fftSize; n++) {
        frame[n] = padded[reflect(start + n, samples)] * window[n];
      }
      fft.realForward(frame);
      power[0] = frame[0] * frame[0];
      for (int k = 1; k < half; k++) {
        power[k] = frame[2 * k] * frame[2 * k] + frame[2 * k + 1] * frame[2 * k + 1];
      }
      // JTransforms packs the (real) Nyquist bin of an even-sized transform into element 1.
      power[half] = frame[1] * frame[1];
      for (int m = 0; m < bins; m++) {
        double sum = 0;
        double[] filter = melFilters[m];
        for (int k = 0; k <= half; k++) {
          sum += filter[k] * power[k];
        }
        mel[m * frames + t] = sum;
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < mel.length; i++) {
      mel[i] = Math.log10(Math.max(mel[i], 1e-10));
      max = Math.max(max, mel[i]);
    }
    float[] features = new float[mel.length];
    for (int i = 0; i < mel.length; i++) {
      features[i] = (float) ((Math.max(mel[i], max - 8.0) + 4.0) / 4.0);
    }
    return features;
  }

  /** The index {@code torch.stft}'s reflect padding reads for position {@code i}. */
  private static int reflect(int i, int length) {
    if (i < 0) {
      return -i;
    }
    if (i >= length) {
      return 2 * (length - 1) - i;
    }
    return i;
  }

  @Override
  public String toString() {
    return "WhisperFeatureExtractor["
        + melFilters.length
        + " bins x "
        + frames
        + " frames at "
        + samplingRate
        + " Hz, n_fft "
        + fftSize
        + ", hop "
        + hop
        + "]";
  }
}
