package ai.hubbatch.model.engine;

import ai.hubbatch.model.config.ConfigurationException;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The precision of a model's ONNX weights, as the Hub's ONNX repositories and transformers.js name
 * them: each dtype is a file beside the fp32 graph, named with a suffix ({@code onnx/model.onnx},
 * {@code onnx/model_fp16.onnx}, {@code onnx/model_quantized.onnx}, ...; the same suffixes on
 * optimum's {@code encoder_model.onnx} and {@code decoder_model_merged.onnx}).
 *
 * <p>Task code that loads its own graphs maps a base file to the chosen variant with {@link
 * #file(String)} and asks which variants a folder or Hub listing has with {@link #offered}.
 */
public enum Dtype {
  /** fp32 on a CPU; fp16 on a GPU when the model has fp16 weights. Resolved before loading. */
  AUTO("auto", null),
  FP32("fp32", ""),
  FP16("fp16", "_fp16"),
  /** 8-bit dynamic quantization, transformers.js's {@code q8}: {@code model_quantized.onnx}. */
  Q8("q8", "_quantized"),
  INT8("int8", "_int8"),
  UINT8("uint8", "_uint8"),
  Q4("q4", "_q4"),
  Q4F16("q4f16", "_q4f16"),
  BNB4("bnb4", "_bnb4");

  private static final String ONNX = ".onnx";

  private final String label;
  private final String suffix;

  Dtype(String label, String suffix) {
    this.label = label;
    this.suffix = suffix;
  }

  /** The name users give and transformers.js uses: {@code fp32}, {@code q8}, ... */
  public String label() {
    return label;
  }

  /**
   * Whether graphs of this dtype quantize their activations at run time with one scale per tensor,
   * as the Hub's q8, int8 and uint8 exports do (dynamic quantization: {@code DynamicQuantizeLinear}
   * before each {@code MatMulInteger}). A tensor spans the whole engine call, so a sequence's
   * output then depends on the other sequences, and the padding, in its batch. The 4-bit dtypes
   * quantize weights only.
   */
  public boolean quantizesActivationsPerCall() {
    return this == Q8 || this == INT8 || this == UINT8;
  }

  /**
   * Parses a user's dtype, case-insensitive: one of the labels, or {@code float32}, {@code
   * float16}.
   *
   * @throws IllegalArgumentException naming the dtypes there are
   */
  public static Dtype parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    switch (key) {
      case "float32":
        return FP32;
      case "float16":
        return FP16;
      default:
        for (Dtype dtype : values()) {
          if (dtype.label.equals(key)) {
            return dtype;
          }
        }
        throw new ConfigurationException(
            "Unknown dtype '"
                + name
                + "': use "
                + Arrays.stream(values()).map(Dtype::label).collect(Collectors.joining(", ")));
    }
  }

  /**
   * This variant's file for a graph named by its fp32 file: {@code onnx/model.onnx} in {@code q8}
   * is {@code onnx/model_quantized.onnx}.
   *
   * @param base the fp32 graph's path, ending in {@code .onnx}
   * @throws IllegalArgumentException for {@link #AUTO}, which is no file, or a name that is not an
   *     ONNX file
   */
  public String file(String base) {
    if (this == AUTO) {
      throw new IllegalArgumentException("auto names no file: resolve the dtype first");
    }
    if (!base.endsWith(ONNX)) {
      throw new IllegalArgumentException("Not an ONNX file: " + base);
    }
    return base.substring(0, base.length() - ONNX.length()) + suffix + ONNX;
  }

  /**
   * The fp32 graph a file is a variant of: {@code onnx/model_q4.onnx} gives {@code
   * onnx/model.onnx}; any other file gives itself.
   */
  public static String base(String file) {
    if (!file.endsWith(ONNX)) {
      return file;
    }
    String stem = file.substring(0, file.length() - ONNX.length());
    for (Dtype dtype : values()) {
      if (dtype.suffix != null && !dtype.suffix.isEmpty() && stem.endsWith(dtype.suffix)) {
        return stem.substring(0, stem.length() - dtype.suffix.length()) + ONNX;
      }
    }
    return file;
  }

  /**
   * The dtypes whose variant of every one of the graphs is among the files, in this enum's order.
   *
   * @param files a folder's or Hub listing's files, relative and {@code /}-separated
   * @param bases the graphs the model needs, by their fp32 names ({@code onnx/model.onnx}; or
   *     {@code onnx/encoder_model.onnx} and {@code onnx/decoder_model_merged.onnx})
   */
  public static Set<Dtype> offered(Collection<String> files, Collection<String> bases) {
    Set<String> all = Set.copyOf(files);
    Set<Dtype> offered = EnumSet.noneOf(Dtype.class);
    for (Dtype dtype : values()) {
      if (dtype != AUTO
          && !bases.isEmpty()
          && bases.stream().allMatch(b -> all.contains(dtype.file(b)))) {
        offered.add(dtype);
      }
    }
    return offered;
  }

  @Override
  public String toString() {
    return label;
  }
}
