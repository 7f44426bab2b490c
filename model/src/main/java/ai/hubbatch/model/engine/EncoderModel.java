package ai.hubbatch.model.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.util.PairList;
import ai.hubbatch.model.source.ModelFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An encoder (BERT-style) model loaded on one engine: token ids in, hidden states or logits out.
 *
 * <p>Thread-safe and meant to be shared: one per JVM. Each thread runs it through its own {@link
 * EncoderSession}, as DJL predictors are not thread-safe.
 */
public final class EncoderModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EncoderModel.class);

  private final Model model;
  private final EngineKind engine;
  private final List<EncoderInput> inputs;
  private final Path weights;

  private EncoderModel(Model model, EngineKind engine, List<EncoderInput> inputs, Path weights) {
    this.model = model;
    this.engine = engine;
    this.inputs = List.copyOf(inputs);
    this.weights = weights;
  }

  /**
   * Loads the folder's weights for the given engine.
   *
   * @throws IllegalArgumentException if the folder has no weights for that engine
   * @throws IOException if the weights cannot be read or are not a model
   */
  public static EncoderModel load(ModelFolder folder, EngineKind engine, EngineSettings settings)
      throws IOException {
    DjlRuntime.configure();
    Path weights =
        engine
            .weights(folder)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "No " + engine.djlName() + " weights in " + folder));
    Device device = device(engine, settings.device());
    Map<String, String> options = new HashMap<>();
    if (settings.intraOpThreads() > 0) {
      options.put("intraOpNumThreads", String.valueOf(settings.intraOpThreads()));
    }
    if (settings.interOpThreads() > 0) {
      options.put("interOpNumThreads", String.valueOf(settings.interOpThreads()));
    }
    if (engine == EngineKind.PYTORCH) {
      // libtorch threads are process-wide and only read when the engine starts.
      setThreads("ai.djl.pytorch.num_threads", settings.intraOpThreads());
      setThreads("ai.djl.pytorch.num_interop_threads", settings.interOpThreads());
    }
    Model model = Model.newInstance(folder.displayName(), device, engine.djlName());
    try {
      model.load(weights, null, options);
    } catch (MalformedModelException e) {
      model.close();
      throw new IOException("Not a loadable " + engine.djlName() + " model: " + weights, e);
    } catch (RuntimeException | IOException e) {
      model.close();
      throw e;
    }
    List<EncoderInput> inputs = inputsOf(model, engine, folder);
    LOG.info("Loaded {} on {} ({}), inputs {}", weights, engine.djlName(), device, inputs);
    return new EncoderModel(model, engine, inputs, weights);
  }

  /** A session for the calling thread. Close it when the thread is done. */
  public EncoderSession newSession() {
    return new EncoderSession(model.newPredictor(new EncoderTranslator(inputs)));
  }

  public EngineKind engine() {
    return engine;
  }

  public Device device() {
    return model.getNDManager().getDevice();
  }

  public Path weights() {
    return weights;
  }

  /** Whether the model takes {@code token_type_ids}. */
  public boolean takesTokenTypes() {
    return inputs.contains(EncoderInput.TOKEN_TYPE_IDS);
  }

  @Override
  public void close() {
    model.close();
  }

  private static List<EncoderInput> inputsOf(Model model, EngineKind engine, ModelFolder folder) {
    List<EncoderInput> inputs = new ArrayList<>();
    if (engine == EngineKind.ONNX_RUNTIME) {
      PairList<String, ?> described = model.getBlock().describeInput();
      for (String name : described.keys()) {
        inputs.add(EncoderInput.forName(name));
      }
      return inputs;
    }
    // A TorchScript module does not name its inputs before it has run. Exports for DJL and
    // torch.jit.trace of a Hub model take input_ids and attention_mask, then token_type_ids when
    // the architecture has token types (BERT does, RoBERTa and DistilBERT do not): the same rule
    // optimum uses to decide whether its ONNX export has that input.
    inputs.add(EncoderInput.INPUT_IDS);
    inputs.add(EncoderInput.ATTENTION_MASK);
    if (folder.config().path("type_vocab_size").asInt(0) >= 2) {
      inputs.add(EncoderInput.TOKEN_TYPE_IDS);
    }
    return inputs;
  }

  private static Device device(EngineKind engine, String requested) {
    if (requested.equals("cpu")) {
      return Device.cpu();
    }
    int gpus = Engine.getEngine(engine.djlName()).getGpuCount();
    if (gpus > 0) {
      return Device.gpu();
    }
    if (requested.equals("gpu")) {
      LOG.warn("GPU requested but the {} engine sees none: running on CPU", engine.djlName());
    }
    return Device.cpu();
  }

  private static void setThreads(String property, int threads) {
    if (threads > 0 && System.getProperty(property) == null) {
      System.setProperty(property, String.valueOf(threads));
    }
  }
}
