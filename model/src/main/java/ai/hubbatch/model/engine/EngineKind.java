package ai.hubbatch.model.engine;

import ai.hubbatch.model.source.ModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The DJL engines hubbatch runs, and how each one's weights are found in a model folder. */
public enum EngineKind {
  /** TorchScript ({@code *.pt}, as exported for DJL or by {@code torch.jit.trace}) on libtorch. */
  PYTORCH("PyTorch"),
  /** ONNX ({@code onnx/model.onnx} or {@code model.onnx}, as Hub exports lay it out). */
  ONNX_RUNTIME("OnnxRuntime");

  private final String djlName;

  EngineKind(String djlName) {
    this.djlName = djlName;
  }

  /** The engine name DJL registers. */
  public String djlName() {
    return djlName;
  }

  /**
   * Parses a user's engine name: {@code pytorch}, {@code torchscript}, {@code onnx},
   * {@code onnxruntime}, case-insensitive.
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
        throw new IllegalArgumentException(
            "Unknown engine '" + name + "': use pytorch or onnxruntime");
    }
  }

  /** The weights file this engine would load from the folder, if the folder has one. */
  public Optional<Path> weights(ModelFolder folder) {
    if (this == ONNX_RUNTIME) {
      return folder.file("onnx/model.onnx").or(() -> folder.file("model.onnx"));
    }
    Optional<Path> named = folder.file("model.pt");
    if (named.isPresent()) {
      return named;
    }
    // DJL's exporter names the file after the folder; torch.jit.save users name it freely.
    try (Stream<Path> files = Files.list(folder.path())) {
      List<Path> pts =
          files.filter(f -> f.toString().endsWith(".pt") && Files.isRegularFile(f))
              .sorted()
              .collect(Collectors.toList());
      return pts.isEmpty() ? Optional.empty() : Optional.of(pts.get(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Picks the engine for a folder: TorchScript first, then ONNX, unless the user chose one.
   *
   * @throws IllegalArgumentException naming the files found and the ways out when neither
   *     format is there
   */
  public static EngineKind select(ModelFolder folder, Optional<EngineKind> requested) {
    if (requested.isPresent()) {
      EngineKind kind = requested.get();
      if (kind.weights(folder).isEmpty()) {
        throw new IllegalArgumentException(
            "The model " + folder.displayName() + " has no " + kind.formatName() + " weights. "
                + "Files found: " + folder.listFiles());
      }
      return kind;
    }
    for (EngineKind kind : values()) {
      if (kind.weights(folder).isPresent()) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "The model " + folder.displayName() + " has neither TorchScript (*.pt) nor ONNX "
            + "(onnx/model.onnx, model.onnx) weights. Files found: " + folder.listFiles()
            + ". Point at a revision or a mirror repository with an ONNX export, or export one "
            + "(optimum-cli export onnx --model <id> <folder>).");
  }

  private String formatName() {
    return this == PYTORCH ? "TorchScript (*.pt)" : "ONNX (onnx/model.onnx or model.onnx)";
  }
}
