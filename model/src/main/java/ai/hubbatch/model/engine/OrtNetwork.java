package ai.hubbatch.model.engine;

import ai.djl.Device;
import ai.hubbatch.model.config.ConfigurationException;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX graph on ONNX Runtime, through its own Java API rather than DJL's block: the graph's
 * declared input types and shapes are needed to build a decoder's empty first-step past, and run
 * outputs must stay in ONNX Runtime's memory so the next step can take them without a copy.
 *
 * <p>{@link OrtSession#run} is thread-safe, so sessions share the one ONNX Runtime session; a
 * {@link NetworkSession} only scopes the tensors it creates.
 */
final class OrtNetwork implements Network {

  private static final Logger LOG = LoggerFactory.getLogger(OrtNetwork.class);

  private final Path file;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final Device device;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final Map<String, TensorSpec> inputsByName = new HashMap<>();

  private OrtNetwork(
      Path file,
      OrtEnvironment environment,
      OrtSession session,
      Device device,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs) {
    this.file = file;
    this.environment = environment;
    this.session = session;
    this.device = device;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    for (TensorSpec input : inputs) {
      inputsByName.put(input.name(), input);
    }
  }

  static OrtNetwork load(Path file, EngineSettings settings) throws IOException {
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    Device device = device(settings.device());
    try (SessionOptions options = new SessionOptions()) {
      if (settings.intraOpThreads() > 0) {
        options.setIntraOpNumThreads(settings.intraOpThreads());
      }
      if (settings.interOpThreads() > 0) {
        options.setInterOpNumThreads(settings.interOpThreads());
      }
      if (device.isGpu()) {
        options.addCUDA(device.getDeviceId());
      }
      OrtSession session = environment.createSession(file.toString(), options);
      try {
        return new OrtNetwork(
            file,
            environment,
            session,
            device,
            specs(session.getInputInfo()),
            specs(session.getOutputInfo()));
      } catch (OrtException | RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw new IOException("Not a loadable ONNX model: " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether this ONNX Runtime build has the CUDA provider, so {@code auto} and {@code gpu} use it.
   */
  static boolean cudaAvailable() {
    // Asking loads ONNX Runtime: its libraries must come from hubbatch's cache (DjlRuntime), not
    // from a temporary folder that a killed job leaves behind.
    DjlRuntime.configure();
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  private static Device device(String requested) {
    if (requested.equals("cpu")) {
      return Device.cpu();
    }
    if (cudaAvailable()) {
      return Device.gpu();
    }
    if (requested.equals("gpu")) {
      LOG.warn("GPU requested but ONNX Runtime has no CUDA provider here: running on CPU");
    }
    return Device.cpu();
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> nodes) {
    List<TensorSpec> specs = new ArrayList<>(nodes.size());
    for (NodeInfo node : nodes.values()) {
      if (node.getInfo() instanceof TensorInfo info) {
        String[] names = info.getDimensionNames();
        specs.add(
            new TensorSpec(
                node.getName(),
                type(info.type),
                info.getShape(),
                names == null ? List.of() : Arrays.asList(names)));
      } else {
        specs.add(TensorSpec.named(node.getName(), DataType.OTHER));
      }
    }
    return specs;
  }

  private static DataType type(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> DataType.FLOAT32;
      case FLOAT16 -> DataType.FLOAT16;
      case INT64 -> DataType.INT64;
      case INT32 -> DataType.INT32;
      case BOOL -> DataType.BOOL;
      default -> DataType.OTHER;
    };
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public EngineKind engine() {
    return EngineKind.ONNX_RUNTIME;
  }

  @Override
  public Device device() {
    return device;
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  @Override
  public List<TensorSpec> outputs() {
    return outputs;
  }

  @Override
  public NetworkSession newSession() {
    return new Session();
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warn("Closing {}: {}", file, e.getMessage());
    }
  }

  private final class Session implements NetworkSession {

    @Override
    public Outputs run(Map<String, ? extends Value> values) {
      for (String name : values.keySet()) {
        if (!inputsByName.containsKey(name)) {
          throw new ConfigurationException(
              "The model "
                  + file.getFileName()
                  + " takes no input '"
                  + name
                  + "'; it takes "
                  + inputs);
        }
      }
      Map<String, OnnxTensor> feed = new HashMap<>();
      List<OnnxTensor> created = new ArrayList<>();
      try {
        for (TensorSpec input : inputs) {
          Value value = values.get(input.name());
          if (value == null) {
            throw new IllegalArgumentException(
                "No value for the input " + input + " of " + file.getFileName());
          }
          OnnxTensor tensor;
          if (value instanceof OrtValue held) {
            tensor = held.tensor();
          } else {
            tensor = create((HostTensor) value, input);
            created.add(tensor);
          }
          feed.put(input.name(), tensor);
        }
        return new OrtOutputs(session.run(feed));
      } catch (OrtException e) {
        throw new EngineException(e);
      } finally {
        created.forEach(OnnxTensor::close);
      }
    }

    @Override
    public void close() {
      // Nothing of its own: tensors are closed with each run's outputs.
    }
  }

  /** Creates the engine tensor, converting float32 to float16 and int64 to int32 as declared. */
  private OnnxTensor create(HostTensor value, TensorSpec input) throws OrtException {
    long[] shape = value.shape();
    DataType wanted = input.type();
    switch (value.type()) {
      case FLOAT32 -> {
        FloatBuffer floats = (FloatBuffer) value.data();
        if (wanted == DataType.FLOAT16) {
          ShortBuffer half = Fp16Conversions.convertFloatBufferToFp16Buffer(floats);
          return OnnxTensor.createTensor(environment, half, shape, OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(environment, floats, shape);
      }
      case INT64 -> {
        LongBuffer longs = (LongBuffer) value.data();
        if (wanted == DataType.INT32) {
          IntBuffer ints = IntBuffer.allocate(longs.remaining());
          while (longs.hasRemaining()) {
            ints.put(Math.toIntExact(longs.get()));
          }
          return OnnxTensor.createTensor(environment, ints.flip(), shape);
        }
        return OnnxTensor.createTensor(environment, longs, shape);
      }
      case BOOL -> {
        return OnnxTensor.createTensor(
            environment, (ByteBuffer) value.data(), shape, OnnxJavaType.BOOL);
      }
      default -> {
        // Empty tensors of other types: a zero-length buffer of the declared type.
        return OnnxTensor.createTensor(
            environment, ByteBuffer.allocateDirect(0), shape, javaType(wanted));
      }
    }
  }

  private static OnnxJavaType javaType(DataType type) {
    return switch (type) {
      case FLOAT16 -> OnnxJavaType.FLOAT16;
      case FLOAT32 -> OnnxJavaType.FLOAT;
      case INT64 -> OnnxJavaType.INT64;
      case INT32 -> OnnxJavaType.INT32;
      case BOOL -> OnnxJavaType.BOOL;
      case OTHER -> throw new IllegalArgumentException("Unsupported input type");
    };
  }

  /** A run's result; closing it frees every output tensor. */
  private static final class OrtOutputs implements Outputs {
    private final OrtSession.Result result;
    private final List<String> names = new ArrayList<>();

    OrtOutputs(OrtSession.Result result) {
      this.result = result;
      for (Map.Entry<String, OnnxValue> entry : result) {
        names.add(entry.getKey());
      }
    }

    @Override
    public List<String> names() {
      return names;
    }

    @Override
    public long[] shape(String name) {
      return tensor(name).getInfo().getShape();
    }

    @Override
    public Tensor read(String name) {
      OnnxTensor tensor = tensor(name);
      FloatBuffer values = tensor.getFloatBuffer();
      if (values == null) {
        LongBuffer longs = tensor.getLongBuffer();
        if (longs == null) {
          throw new IllegalArgumentException(
              "The output '" + name + "' is " + tensor.getInfo().type + ", not a number");
        }
        float[] widened = new float[longs.remaining()];
        for (int i = 0; i < widened.length; i++) {
          widened[i] = longs.get(i);
        }
        return new Tensor(name, tensor.getInfo().getShape(), widened);
      }
      float[] data = new float[values.remaining()];
      values.get(data);
      return new Tensor(name, tensor.getInfo().getShape(), data);
    }

    @Override
    public Value value(String name) {
      OnnxTensor tensor = tensor(name);
      return new OrtValue(tensor, type(tensor.getInfo().type), tensor.getInfo().getShape());
    }

    private OnnxTensor tensor(String name) {
      OnnxValue value =
          result
              .get(name)
              .orElseThrow(
                  () -> new IllegalArgumentException("No output '" + name + "'; got " + names));
      if (!(value instanceof OnnxTensor tensor)) {
        throw new IllegalArgumentException("The output '" + name + "' is not a tensor");
      }
      return tensor;
    }

    @Override
    public void close() {
      result.close();
    }
  }

  /** An output tensor fed back as an input. */
  private record OrtValue(OnnxTensor tensor, DataType type, long[] shape) implements EngineValue {}
}
