package ai.hubbatch.model.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads {@link Network}s on the engine their files are for. */
public final class Networks {

  private static final Logger LOG = LoggerFactory.getLogger(Networks.class);

  private Networks() {}

  /**
   * Loads an ONNX graph on ONNX Runtime; its inputs and outputs are the graph's own.
   *
   * @throws IOException if the file cannot be read or is not an ONNX model
   */
  public static Network onnx(Path file, EngineSettings settings) throws IOException {
    DjlRuntime.configure();
    Network network = OrtNetwork.load(file, settings);
    LOG.info("Loaded {} on ONNX Runtime ({}), inputs {}", file, network.device(), network.inputs());
    return network;
  }

  /**
   * Loads a TorchScript module on libtorch.
   *
   * @param inputs what the module takes, in its argument order (TorchScript does not say)
   * @throws IOException if the file cannot be read or is not a TorchScript module
   */
  public static Network torchScript(Path file, List<TensorSpec> inputs, EngineSettings settings)
      throws IOException {
    DjlRuntime.configure();
    Network network = TorchNetwork.load(file, inputs, settings);
    LOG.info("Loaded {} on PyTorch ({}), inputs {}", file, network.device(), inputs);
    return network;
  }
}
