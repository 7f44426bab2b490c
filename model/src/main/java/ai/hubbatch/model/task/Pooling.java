package ai.hubbatch.model.task;

import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Sentence-transformers pooling of token embeddings into one vector, with optional L2
 * normalisation, as configured by a model's {@code modules.json} and {@code 1_Pooling/config.json}.
 *
 * @param mode how tokens are combined
 * @param normalize whether the vector is scaled to unit length afterwards
 */
public record Pooling(Mode mode, boolean normalize) {

  /** The pooling modes of sentence-transformers' {@code Pooling} module. */
  public enum Mode {
    CLS,
    MEAN,
    MAX,
    MEAN_SQRT_LEN,
    LAST_TOKEN
  }

  /** Mean pooling and normalisation: the default for folders without the ST files. */
  public static final Pooling DEFAULT = new Pooling(Mode.MEAN, true);

  /**
   * Reads the folder's sentence-transformers configuration; {@link #DEFAULT} when it has no {@code
   * modules.json}.
   */
  public static Pooling of(ModelFolder folder) {
    JsonNode modules = folder.json("modules.json");
    if (!modules.isArray()) {
      return DEFAULT;
    }
    Mode mode = Mode.MEAN;
    boolean normalize = false;
    for (JsonNode module : modules) {
      String type = module.path("type").asText("");
      if (type.endsWith(".Pooling")) {
        mode = modeOf(folder.json(module.path("path").asText("1_Pooling") + "/config.json"));
      } else if (type.endsWith(".Normalize")) {
        normalize = true;
      }
    }
    return new Pooling(mode, normalize);
  }

  private static Mode modeOf(JsonNode config) {
    if (config.path("pooling_mode").isTextual()) {
      String name = config.get("pooling_mode").asText().toUpperCase(Locale.ROOT);
      return Mode.valueOf(name.equals("LASTTOKEN") ? "LAST_TOKEN" : name);
    }
    if (config.path("pooling_mode_cls_token").asBoolean(false)) {
      return Mode.CLS;
    }
    if (config.path("pooling_mode_max_tokens").asBoolean(false)) {
      return Mode.MAX;
    }
    if (config.path("pooling_mode_mean_sqrt_len_tokens").asBoolean(false)) {
      return Mode.MEAN_SQRT_LEN;
    }
    if (config.path("pooling_mode_lasttoken").asBoolean(false)) {
      return Mode.LAST_TOKEN;
    }
    return Mode.MEAN;
  }

  /**
   * Pools {@code length} token vectors of {@code width} values (row-major) into one vector. The
   * tokens are the real ones only: padding never reaches this method.
   */
  public float[] apply(float[] tokens, int length, int width) {
    float[] pooled = new float[width];
    switch (mode) {
      case CLS:
        System.arraycopy(tokens, 0, pooled, 0, width);
        break;
      case LAST_TOKEN:
        System.arraycopy(tokens, (length - 1) * width, pooled, 0, width);
        break;
      case MAX:
        java.util.Arrays.fill(pooled, Float.NEGATIVE_INFINITY);
        for (int t = 0; t < length; t++) {
          for (int i = 0; i < width; i++) {
            pooled[i] = Math.max(pooled[i], tokens[t * width + i]);
          }
        }
        break;
      default:
        double[] sum = new double[width];
        for (int t = 0; t < length; t++) {
          for (int i = 0; i < width; i++) {
            sum[i] += tokens[t * width + i];
          }
        }
        double divisor = mode == Mode.MEAN ? length : Math.sqrt(length);
        for (int i = 0; i < width; i++) {
          pooled[i] = (float) (sum[i] / divisor);
        }
    }
    return normalize ? l2Normalize(pooled) : pooled;
  }

  /** Scales to unit length; a zero vector stays zero (as torch's normalize with its epsilon). */
  static float[] l2Normalize(float[] vector) {
    double norm = 0;
    for (float v : vector) {
      norm += (double) v * v;
    }
    double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
    float[] out = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      out[i] = (float) (vector[i] * scale);
    }
    return out;
  }
}
