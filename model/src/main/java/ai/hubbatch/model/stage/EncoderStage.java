package ai.hubbatch.model.stage;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.engine.DataType;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.Networks;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Tensor;
import ai.hubbatch.model.engine.TensorSpec;
import ai.hubbatch.model.engine.Weights;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TokenizedText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A text encoder (BERT-style) run once per sequence: token sequences are padded on the right to the
 * longest of their batch, and every output of the model comes back per sequence as a {@link
 * SequenceOutput}. Cost is tokens.
 */
public final class EncoderStage extends ForwardStage<TokenizedText, SequenceOutput> {

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final List<String> FED = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

  private final ModelFolder folder;
  private final Network network;
  private final Dtype dtype;
  private final long padId;
  private final int maxLength;

  /**
   * @param folder the model's folder, whose config sizes batches
   * @param network the encoder
   * @param dtype the precision of the encoder's weights, which sizes batches too
   * @param tokenizer the tokenizer the task encodes with: its padding id and maximum length
   * @throws IllegalArgumentException if the network takes inputs an encoder is not fed
   */
  public EncoderStage(ModelFolder folder, Network network, Dtype dtype, TextTokenizer tokenizer) {
    for (TensorSpec input : network.inputs()) {
      if (!FED.contains(input.name())) {
        throw new IllegalArgumentException(
            "The model "
                + folder.displayName()
                + " takes an input named '"
                + input.name()
                + "'; a text encoder feeds input_ids, attention_mask and token_type_ids");
      }
    }
    this.folder = folder;
    this.network = network;
    this.dtype = dtype;
    this.padId = tokenizer.padId();
    this.maxLength = tokenizer.maxLength();
  }

  /**
   * Loads the folder's encoder from the weights chosen for it.
   *
   * @throws IOException if the weights cannot be read or are no model
   */
  public static Network loadNetwork(ModelFolder folder, Weights chosen, EngineSettings settings)
      throws IOException {
    Path weights = folder.path().resolve(chosen.main());
    if (chosen.engine() == EngineKind.ONNX_RUNTIME) {
      return Networks.onnx(weights, settings);
    }
    // A TorchScript module does not name its inputs before it has run. Exports for DJL and
    // torch.jit.trace of a Hub model take input_ids and attention_mask, then token_type_ids when
    // the architecture has token types (BERT does, RoBERTa and DistilBERT do not): the same rule
    // optimum uses to decide whether its ONNX export has that input.
    List<TensorSpec> inputs = new ArrayList<>();
    inputs.add(TensorSpec.named(INPUT_IDS, DataType.INT64));
    inputs.add(TensorSpec.named(ATTENTION_MASK, DataType.INT64));
    if (folder.config().path("type_vocab_size").asInt(0) >= 2) {
      inputs.add(TensorSpec.named(TOKEN_TYPE_IDS, DataType.INT64));
    }
    return Networks.torchScript(weights, inputs, settings);
  }

  /** Whether the model takes {@code token_type_ids}. */
  public boolean takesTokenTypes() {
    return network.takes(TOKEN_TYPE_IDS);
  }

  /** The tokenizer's padding id, which batches are padded with. */
  public long padId() {
    return padId;
  }

  public Network network() {
    return network;
  }

  @Override
  public long cost(TokenizedText input) {
    return input.length();
  }

  @Override
  public String costUnit() {
    return "tokens";
  }

  @Override
  public Device device() {
    return network.device();
  }

  @Override
  public String describe() {
    return "engine "
        + network.engine().djlName()
        + ", device "
        + network.device()
        + ", max "
        + maxLength
        + " tokens";
  }

  @Override
  public SizedLimits defaultLimits() {
    Device device = network.device();
    if (folder.config().path("neuron").path("static_batch_size").isInt()) {
      return new SizedLimits(
          EncoderBudgets.forStaticShapes(folder.config().path("neuron")),
          "the model's compiled Neuron shapes");
    }
    if (dtype.quantizesActivationsPerCall()) {
      // Batched, a record's output would depend on its neighbours: reruns of a job, or the same
      // record in another job, would not give the same vector.
      return new SizedLimits(
          new BatchLimits(1, maxLength),
          "one sequence per call: "
              + dtype.label()
              + " weights quantize activations with one scale per call, which batching would"
              + " share between records");
    }
    if (device.isGpu()) {
      long free =
          CudaUtils.getGpuMemory(device).getMax() - CudaUtils.getGpuMemory(device).getUsed();
      return new SizedLimits(
          EncoderBudgets.forGpu(folder, free, maxLength), "sized for the free memory of " + device);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return new SizedLimits(EncoderBudgets.forCpu(cores), "sized for " + cores + " CPU cores");
  }

  /** A session for the calling thread that runs padded token batches. */
  public Session newSession() {
    return new Session(network.newSession());
  }

  @Override
  protected BatchSession<TokenizedText, SequenceOutput> newBatchSession() {
    Session session = newSession();
    return new BatchSession<>() {
      @Override
      public Batch<SequenceOutput> run(List<TokenizedText> batch) {
        List<long[]> ids = new ArrayList<>(batch.size());
        List<long[]> types = new ArrayList<>(batch.size());
        for (TokenizedText text : batch) {
          ids.add(text.ids());
          types.add(text.typeIds());
        }
        TokenBatch tokens = TokenBatch.pad(ids, types, padId);
        List<Tensor> outputs = session.run(tokens);
        List<SequenceOutput> sequences = new ArrayList<>(batch.size());
        for (int row = 0; row < batch.size(); row++) {
          sequences.add(new SequenceOutput(outputs, row, batch.get(row).length()));
        }
        return new Batch<>(sequences, tokens.paddedTokens());
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }

  /** One thread's encoder session over padded token batches. Not thread-safe. */
  public final class Session implements AutoCloseable {
    private final NetworkSession session;

    private Session(NetworkSession session) {
      this.session = session;
    }

    /**
     * Runs one padded batch.
     *
     * @return every model output, batch first, copied to the heap
     * @throws ai.hubbatch.model.engine.EngineException if the engine fails on this batch
     */
    public List<Tensor> run(TokenBatch batch) {
      long[] shape = {batch.size(), batch.length()};
      Map<String, HostTensor> inputs = new HashMap<>();
      inputs.put(INPUT_IDS, HostTensor.ofLongs(batch.inputIds(), shape));
      if (network.takes(ATTENTION_MASK)) {
        inputs.put(ATTENTION_MASK, HostTensor.ofLongs(batch.attentionMask(), shape));
      }
      if (network.takes(TOKEN_TYPE_IDS)) {
        inputs.put(TOKEN_TYPE_IDS, HostTensor.ofLongs(batch.tokenTypeIds(), shape));
      }
      try (Outputs outputs = session.run(inputs)) {
        return outputs.readAll();
      }
    }

    @Override
    public void close() {
      session.close();
    }
  }
}
