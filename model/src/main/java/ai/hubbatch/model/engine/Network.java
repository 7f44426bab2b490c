package ai.hubbatch.model.engine;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One loaded graph (an ONNX file or a TorchScript module) on one engine and device: named, typed
 * inputs in, named outputs out.
 *
 * <p>Thread-safe and meant to be shared: load it once per JVM. Each thread runs it through its own
 * {@link NetworkSession}, because engine sessions (DJL predictors) are not thread-safe.
 *
 * <pre>{@code
 * try (Network network = Networks.onnx(file, settings);
 *     NetworkSession session = network.newSession();
 *     Outputs outputs = session.run(Map.of("input_ids", ids, "attention_mask", mask))) {
 *   Tensor logits = outputs.read("logits");
 * }
 * }</pre>
 */
public interface Network extends AutoCloseable {

  /** The file it was loaded from. */
  Path file();

  EngineKind engine();

  /** Where it runs. */
  Device device();

  /**
   * The inputs it takes, in the order the graph declares them. A TorchScript module does not name
   * its inputs; its list is what hubbatch feeds it, by position.
   */
  List<TensorSpec> inputs();

  /** The outputs it gives, in order; empty when the engine does not say before a run. */
  List<TensorSpec> outputs();

  /** The declared input with this name, if the graph takes one. */
  default Optional<TensorSpec> input(String name) {
    return inputs().stream().filter(spec -> spec.name().equals(name)).findFirst();
  }

  /** Whether the graph takes an input with this name. */
  default boolean takes(String name) {
    return input(name).isPresent();
  }

  /** A session for the calling thread. Close it when the thread is done. */
  NetworkSession newSession();

  @Override
  void close();
}
