package ai.hubbatch.model.engine;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.source.ModelFolder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The DJL engines hubbatch runs, and how each one's weights are found in a model repository, on the
 * disk or in a Hub listing, so only one weight format, in one {@link Dtype}, is ever downloaded.
 */
public enum EngineKind {
  /** TorchScript ({@code *.pt}, as exported for DJL or by {@code torch.jit.trace}) on libtorch. */
  PYTORCH("PyTorch"),
  /**
   * ONNX on ONNX Runtime: {@code onnx/model.onnx} or {@code model.onnx} as Hub exports lay it out,
   * or optimum's files for encoder-decoder and decoder models ({@code encoder_model.onnx}, {@code
   * decoder_model_merged.onnx}, or {@code decoder_model.onnx} with {@code
   * decoder_with_past_model.onnx}), or a dual encoder's towers ({@code vision_model.onnx} and
   * {@code text_model.onnx}), each with its external data files; in fp32 or any other {@link Dtype}
   * the repository has.
   */
  ONNX_RUNTIME("OnnxRuntime");

  /** Training checkpoints that share TorchScript's extension but hold no model. */
  private static final Pattern CHECKPOINT_STATE =
      Pattern.compile("(optimizer|scheduler|scaler|rng_state.*)\\.pt");

  /** Weights hubbatch cannot run, named in the error that says what to do instead. */
  private static final Pattern CHECKPOINT_WEIGHTS =
      Pattern.compile(
          "([^/]*/)?(.*\\.safetensors|pytorch_model.*\\.bin|tf_model\\.h5|flax_model\\.msgpack)");

  private static final int FILES_SHOWN = 20;

  private final String djlName;

  EngineKind(String djlName) {
    this.djlName = djlName;
  }

  /** The engine name DJL registers. */
  public String djlName() {
    return djlName;
  }

  /**
   * Parses a user's engine name: {@code pytorch}, {@code torchscript}, {@code onnx}, {@code
   * onnxruntime}, case-insensitive.
   */
  public static EngineKind parse(String name) {
    switch (name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
      case "pytorch":
      case "torchscript":
      case "torch":
        return PYTORCH;
      case "onnx":
      case "onnxruntime":
      case "ort":
        return ONNX_RUNTIME;
      default:
        throw new ConfigurationException(
            "Unknown engine '" + name + "': use pytorch or onnxruntime");
    }
  }

  /**
   * The fp32 files this engine loads from a repository, main file first; empty when it has none.
   *
   * @param files the repository's files, relative and {@code /}-separated
   */
  public List<String> weightFiles(Collection<String> files) {
    return weightFiles(files, Dtype.FP32);
  }

  /**
   * The files of one dtype this engine loads from a repository, main file first, each ONNX graph
   * followed by its external data files; empty when the repository has no such weights. TorchScript
   * has fp32 weights only.
   *
   * @param files the repository's files, relative and {@code /}-separated
   * @param dtype a resolved dtype (not {@link Dtype#AUTO})
   */
  public List<String> weightFiles(Collection<String> files, Dtype dtype) {
    if (dtype == Dtype.AUTO) {
      throw new IllegalArgumentException("Resolve the dtype before choosing its files");
    }
    Set<String> all = new TreeSet<>(files);
    if (this == PYTORCH) {
      if (dtype != Dtype.FP32) {
        return List.of();
      }
      if (all.contains("model.pt")) {
        return List.of("model.pt");
      }
      // DJL's exporter names the file after the folder; torch.jit.save users name it freely.
      return all.stream()
          .filter(f -> f.endsWith(".pt") && !f.contains("/"))
          .filter(f -> !CHECKPOINT_STATE.matcher(f).matches())
          .limit(1)
          .collect(Collectors.toList());
    }
    // The graphs of this dtype, by their fp32 names, so one layout rule serves every variant.
    Set<String> graphs =
        all.stream()
            .filter(f -> f.endsWith(".onnx") && dtype.file(Dtype.base(f)).equals(f))
            .map(Dtype::base)
            .collect(Collectors.toCollection(TreeSet::new));
    return withExternalData(all, onnxLayout(graphs).stream().map(dtype::file).toList());
  }

  /** The dtypes of the weights this engine finds in a repository; TorchScript's are fp32. */
  public Set<Dtype> dtypes(Collection<String> files) {
    Set<Dtype> found = EnumSet.noneOf(Dtype.class);
    for (Dtype dtype : Dtype.values()) {
      if (dtype != Dtype.AUTO && !weightFiles(files, dtype).isEmpty()) {
        found.add(dtype);
      }
    }
    return found;
  }

  /**
   * The graphs an ONNX export consists of, by their fp32 names: {@code model.onnx}, or optimum's
   * encoder and decoder files; empty when the files are no such layout.
   */
  private static List<String> onnxLayout(Set<String> graphs) {
    for (String folder : List.of("onnx/", "")) {
      if (graphs.contains(folder + "model.onnx")) {
        return List.of(folder + "model.onnx");
      }
    }
    for (String folder : List.of("onnx/", "")) {
      // A dual encoder's towers (CLIP) as transformers.js' repositories split them.
      if (graphs.contains(folder + "vision_model.onnx")
          && graphs.contains(folder + "text_model.onnx")) {
        return List.of(folder + "vision_model.onnx", folder + "text_model.onnx");
      }
    }
    for (String folder : List.of("onnx/", "")) {
      List<String> chosen = new ArrayList<>();
      if (graphs.contains(folder + "encoder_model.onnx")) {
        chosen.add(folder + "encoder_model.onnx");
      }
      if (graphs.contains(folder + "decoder_model_merged.onnx")) {
        chosen.add(folder + "decoder_model_merged.onnx");
      } else if (graphs.contains(folder + "decoder_model.onnx")) {
        chosen.add(folder + "decoder_model.onnx");
        if (graphs.contains(folder + "decoder_with_past_model.onnx")) {
          chosen.add(folder + "decoder_with_past_model.onnx");
        }
      }
      if (chosen.stream().anyMatch(f -> f.contains("decoder_"))) {
        return chosen;
      }
    }
    return List.of();
  }

  /**
   * Picks the engine for a model folder: TorchScript first, then ONNX, unless the user chose one.
   *
   * @throws IllegalArgumentException naming the files found and the ways out when neither format is
   *     there
   */
  public static EngineKind select(ModelFolder folder, Optional<EngineKind> requested) {
    return select(folder.listFiles(), requested, folder.displayName());
  }

  /**
   * Picks the engine for a repository from its file listing: TorchScript first, then ONNX, unless
   * the user chose one.
   *
   * @param model the model's name, for messages
   * @throws IllegalArgumentException naming the model, the files found and the ways out when the
   *     repository has no weights the engine runs
   */
  public static EngineKind select(
      Collection<String> files, Optional<EngineKind> requested, String model) {
    if (requested.isPresent()) {
      EngineKind kind = requested.get();
      if (kind.dtypes(files).isEmpty()) {
        throw new ConfigurationException(
            "The model "
                + model
                + " has no "
                + kind.formatName()
                + " weights. Files found: "
                + shown(files)
                + ".");
      }
      return kind;
    }
    for (EngineKind kind : values()) {
      if (!kind.dtypes(files).isEmpty()) {
        return kind;
      }
    }
    List<String> checkpoints =
        files.stream().filter(f -> CHECKPOINT_WEIGHTS.matcher(f).matches()).sorted().toList();
    throw new ConfigurationException(
        "The model "
            + model
            + " has neither TorchScript (*.pt) "
            + "nor ONNX (onnx/model.onnx, model.onnx, or optimum's encoder_model.onnx and "
            + "decoder_model_merged.onnx) weights"
            + (checkpoints.isEmpty()
                ? ""
                : "; it has only " + shown(checkpoints) + ", which hubbatch does not run")
            + ". Files found: "
            + shown(files)
            + ". Point at a revision (HF_MODEL_REVISION) or a mirror repository that has an ONNX"
            + " export (many models have one under onnx-community/ or Xenova/), or export one"
            + " (optimum-cli export onnx --model "
            + model
            + " <folder>) "
            + "and pass --model <folder>.");
  }

  private static List<String> withExternalData(Set<String> all, List<String> onnx) {
    List<String> files = new ArrayList<>();
    for (String model : onnx) {
      files.add(model);
      // Models over 2 GB keep their tensors beside the graph: model.onnx_data, model.onnx.data.
      all.stream()
          .filter(f -> f.startsWith(model + "_data") || f.equals(model + ".data"))
          .forEach(files::add);
    }
    return files;
  }

  private static String shown(Collection<String> files) {
    List<String> sorted = files.stream().sorted().toList();
    return sorted.size() <= FILES_SHOWN
        ? sorted.toString()
        : sorted.subList(0, FILES_SHOWN) + " and " + (sorted.size() - FILES_SHOWN) + " more";
  }

  private String formatName() {
    return this == PYTORCH
        ? "TorchScript (*.pt)"
        : "ONNX (onnx/model.onnx, model.onnx, or optimum's encoder/decoder files)";
  }
}
