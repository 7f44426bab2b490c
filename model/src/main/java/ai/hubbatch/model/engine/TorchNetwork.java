package ai.hubbatch.model.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TorchScript module on libtorch through DJL. A module names neither its inputs nor its outputs
 * before it has run, so the caller says what it takes ({@code inputs}, fed by position) and outputs
 * are named by their position. Outputs are copied to the heap at once: TorchScript serves
 * single-pass models, whose outputs are only ever read.
 */
final class TorchNetwork implements Network {

  private static final Logger LOG = LoggerFactory.getLogger(TorchNetwork.class);

  private final Path file;
  private final Model model;
  private final List<TensorSpec> inputs;

  private TorchNetwork(Path file, Model model, List<TensorSpec> inputs) {
    this.file = file;
    this.model = model;
    this.inputs = List.copyOf(inputs);
  }

  static TorchNetwork load(Path file, List<TensorSpec> inputs, EngineSettings settings)
      throws IOException {
    // libtorch threads are process-wide and only read when the engine starts.
    setThreads("ai.djl.pytorch.num_threads", settings.intraOpThreads());
    setThreads("ai.djl.pytorch.num_interop_threads", settings.interOpThreads());
    Device device = device(settings.device());
    Model model = Model.newInstance(file.getFileName().toString(), device, "PyTorch");
    try {
      model.load(file, null, Map.of());
    } catch (MalformedModelException e) {
      model.close();
      throw new IOException("Not a loadable TorchScript model: " + file, e);
    } catch (RuntimeException | IOException e) {
      model.close();
      throw e;
    }
    return new TorchNetwork(file, model, inputs);
  }

  private static Device device(String requested) {
    if (requested.equals("cpu")) {
      return Device.cpu();
    }
    if (Engine.getEngine("PyTorch").getGpuCount() > 0) {
      return Device.gpu();
    }
    if (requested.equals("gpu")) {
      LOG.warn("GPU requested but the PyTorch engine sees none: running on CPU");
    }
    return Device.cpu();
  }

  private static void setThreads(String property, int threads) {
    if (threads > 0 && System.getProperty(property) == null) {
      System.setProperty(property, String.valueOf(threads));
    }
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public EngineKind engine() {
    return EngineKind.PYTORCH;
  }

  @Override
  public Device device() {
    return model.getNDManager().getDevice();
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return List.of();
  }

  @Override
  public NetworkSession newSession() {
    Predictor<Map<String, ? extends Value>, List<Tensor>> predictor =
        model.newPredictor(new Translator());
    return new NetworkSession() {
      @Override
      public Outputs run(Map<String, ? extends Value> values) {
        for (String name : values.keySet()) {
          if (inputs.stream().noneMatch(spec -> spec.name().equals(name))) {
            throw new IllegalArgumentException(
                "The model "
                    + file.getFileName()
                    + " takes no input '"
                    + name
                    + "'; it takes "
                    + inputs);
          }
        }
        try {
          return new HeapOutputs(predictor.predict(values));
        } catch (TranslateException | RuntimeException e) {
          if (e instanceof IllegalArgumentException iae) {
            throw iae;
          }
          throw new EngineException(e);
        }
      }

      @Override
      public void close() {
        predictor.close();
      }
    };
  }

  @Override
  public void close() {
    model.close();
  }

  /** Feeds the inputs in declared order and copies every output to the heap. */
  private final class Translator
      implements NoBatchifyTranslator<Map<String, ? extends Value>, List<Tensor>> {

    @Override
    public NDList processInput(TranslatorContext ctx, Map<String, ? extends Value> values) {
      NDManager manager = ctx.getNDManager();
      NDList list = new NDList(inputs.size());
      for (TensorSpec input : inputs) {
        Value value = values.get(input.name());
        if (!(value instanceof HostTensor host)) {
          throw new IllegalArgumentException(
              "No heap value for the input " + input + " of " + file.getFileName());
        }
        Shape shape = new Shape(host.shape());
        NDArray array =
            switch (host.type()) {
              case INT64 -> manager.create((LongBuffer) host.data(), shape);
              case FLOAT32 -> manager.create((FloatBuffer) host.data(), shape);
              default ->
                  throw new IllegalArgumentException(
                      "TorchScript inputs are int64 or float32, not " + host.type());
            };
        array.setName(input.name());
        list.add(array);
      }
      return list;
    }

    @Override
    public List<Tensor> processOutput(TranslatorContext ctx, NDList list) {
      List<Tensor> tensors = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        NDArray array = list.get(i);
        if (array.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
          array = array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        }
        tensors.add(
            new Tensor(String.valueOf(i), array.getShape().getShape(), array.toFloatArray()));
      }
      return tensors;
    }
  }

  /** Outputs already in the heap, named by position. */
  private static final class HeapOutputs implements Outputs {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    HeapOutputs(List<Tensor> list) {
      for (Tensor tensor : list) {
        tensors.put(tensor.name(), tensor);
      }
    }

    @Override
    public List<String> names() {
      return List.copyOf(tensors.keySet());
    }

    @Override
    public long[] shape(String name) {
      return get(name).shape().clone();
    }

    @Override
    public Tensor read(String name) {
      return get(name);
    }

    @Override
    public Value value(String name) {
      Tensor tensor = get(name);
      return HostTensor.ofFloats(tensor.data(), tensor.shape());
    }

    private Tensor get(String name) {
      Tensor tensor = tensors.get(name);
      if (tensor == null) {
        throw new IllegalArgumentException("No output '" + name + "'; got " + tensors.keySet());
      }
      return tensor;
    }

    @Override
    public void close() {
      tensors.clear();
    }
  }
}
