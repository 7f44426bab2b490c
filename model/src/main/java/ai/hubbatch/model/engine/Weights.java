package ai.hubbatch.model.engine;

import java.util.List;

/**
 * The weights a model runs with: the engine, the dtype (resolved, never {@link Dtype#AUTO}) and the
 * files loaded, main file first. Made by {@link WeightsRequest#choose}.
 *
 * @param engine the engine that runs them
 * @param dtype their precision
 * @param files the files, relative to the model's folder and {@code /}-separated: each graph
 *     followed by its external data files
 */
public record Weights(EngineKind engine, Dtype dtype, List<String> files) {

  public Weights {
    if (dtype == Dtype.AUTO || files.isEmpty()) {
      throw new IllegalArgumentException("Weights need a resolved dtype and at least one file");
    }
    files = List.copyOf(files);
  }

  /** The main file: the graph (the encoder, for optimum's encoder-decoder layout). */
  public String main() {
    return files.get(0);
  }

  /** One line for people: {@code onnx/model_quantized.onnx (q8, OnnxRuntime)}. */
  public String describe() {
    return main() + " (" + dtype.label() + ", " + engine.djlName() + ")";
  }
}
