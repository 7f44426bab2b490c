package ai.hubbatch.model.decode;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.DataType;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.TensorSpec;
import ai.hubbatch.model.generate.PromptTruncation;
import ai.hubbatch.model.generate.TokenDecoder;
import ai.hubbatch.model.stage.SizedLimits;
import ai.hubbatch.model.stage.Stage;
import ai.hubbatch.model.stage.StageResults;
import ai.hubbatch.model.stage.StageRunner;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generation as a stage: every pending prompt of a runner's call is decoded by one {@link
 * DecodeLoop}, with continuous batching under the limits: {@code maxItems} is the number of rows
 * (slots) decoding at once, a prompt taking one per beam or sampled sequence, and {@code maxCost}
 * the cache positions they may reserve together (each row its longest sequence, plus its encoder
 * positions for an encoder-decoder). Outputs never depend on the batch: each prompt's tokens are
 * what it generates alone.
 *
 * <p>Thread-safe and shared; each thread decodes through its own runner.
 */
public final class GenerationStage implements Stage<GenerationInput, GenerationOutput> {

  /** The notice kind of prompts cut to fit the model's context. */
  public static final String TRUNCATED = "prompts truncated to fit the model's context";

  /** CPU slots per core: decoding steps are matrix-vector work that batching turns into GEMMs. */
  static final int CPU_SLOTS_PER_CORE = 16;

  static final int CPU_MIN_SLOTS = 8;
  static final int CPU_MAX_SLOTS = 64;

  /** The cache may take this much host memory on a CPU. */
  static final long CPU_CACHE_BYTES = 1L << 30;

  /** Share of free GPU memory the cache may take; the rest is weights' working memory. */
  static final double GPU_MEMORY_SHARE = 0.5;

  static final int GPU_MIN_SLOTS = 16;
  static final int GPU_MAX_SLOTS = 256;

  /**
   * Padded prompt tokens per prefill: enough for the engine to run near its best, few enough that
   * the prompts' first tokens do not wait for one huge call.
   */
  static final int PREFILL_TOKENS = 4096;

  /** Context assumed for sizing when config.json states none. */
  static final int DEFAULT_CONTEXT = 2048;

  private final GenerationModel model;
  private final CacheGraphs graphs;
  private final long padId;
  private final TokenDecoder decoder;

  /**
   * @param model the graphs
   * @param graphs the cache graphs, on the model's engine settings
   * @param padId the id padded positions are fed (their attention mask hides them)
   * @param decoder decodes generated tokens for stop strings
   */
  public GenerationStage(
      GenerationModel model, CacheGraphs graphs, long padId, TokenDecoder decoder) {
    this.model = model;
    this.graphs = graphs;
    this.padId = padId;
    this.decoder = decoder;
  }

  GenerationModel model() {
    return model;
  }

  long padId() {
    return padId;
  }

  TokenDecoder decoder() {
    return decoder;
  }

  @Override
  public long cost(GenerationInput input) {
    return input.rows() * input.reservation();
  }

  @Override
  public String costUnit() {
    return "cache positions";
  }

  @Override
  public Device device() {
    return model.later().device();
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "engine OnnxRuntime, device %s, %s%s, %s, cache %s",
        device(),
        model.describe(),
        model.lastPositionLogits() ? " (logits of the last position)" : "",
        model.ragged() ? "continuous batching" : "continuous batching in lockstep cohorts",
        model.cacheType().name().toLowerCase(Locale.ROOT));
  }

  /**
   * Slots and cache budget for the device. On a CPU a step's cost grows with its rows, but one pass
   * over the weights serves every row, so a few dozen rows per step (16 per core) run far more
   * tokens per second than one; the cache is given up to 1 GiB. On a GPU the cache takes half the
   * free memory, and the slots are what that holds at a quarter of the context per row.
   */
  @Override
  public SizedLimits defaultLimits() {
    long perPosition = Math.max(1, model.bytesPerPosition());
    int context = PromptTruncation.contextLength(model.folder().config());
    long rowPositions = context > 0 ? context : DEFAULT_CONTEXT;
    Device device = device();
    if (device.isGpu()) {
      var memory = CudaUtils.getGpuMemory(device);
      long free = memory.getMax() - memory.getUsed();
      long positions = (long) (free * GPU_MEMORY_SHARE / perPosition);
      int slots =
          (int) Math.max(GPU_MIN_SLOTS, Math.min(GPU_MAX_SLOTS, positions / (rowPositions / 4)));
      return new SizedLimits(
          new BatchLimits(slots, (int) Math.min(Integer.MAX_VALUE, positions)),
          "sized for the free memory of " + device);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int slots = Math.max(CPU_MIN_SLOTS, Math.min(CPU_MAX_SLOTS, CPU_SLOTS_PER_CORE * cores));
    long positions = Math.min(slots * rowPositions, CPU_CACHE_BYTES / perPosition);
    return new SizedLimits(
        new BatchLimits(slots, (int) Math.max(rowPositions, positions)),
        "sized for " + cores + " CPU cores");
  }

  /**
   * What prompts must share to be prefilled and decoded in one batch: nothing for a ragged model;
   * otherwise their decoder start length (and, for a decoder-only model, the prompt's length) and
   * the shape of encoder inputs that cannot be padded.
   */
  String batchKey(GenerationInput input) {
    if (model.ragged()) {
      return "";
    }
    StringBuilder key = new StringBuilder().append(input.promptLength());
    for (Map.Entry<String, HostTensor> entry : input.encoderInputs().entrySet()) {
      if (entry.getValue().type() != DataType.INT64) {
        key.append(' ').append(entry.getKey()).append(Arrays.toString(entry.getValue().shape()));
      }
    }
    return key.toString();
  }

  /**
   * Padded prompt tokens one prefill may hold: the graphs give logits for every position, and a
   * prefill's must stay under {@link DecodeLoop#PREFILL_LOGITS_BYTES}.
   */
  long prefillTokens(BatchLimits limits) {
    return Math.max(
        1, Math.min(limits.maxCost(), DecodeLoop.PREFILL_LOGITS_BYTES / (4L * vocabulary())));
  }

  private long vocabulary() {
    for (TensorSpec output : model.first().outputs()) {
      if (output.name().equals(GenerationModel.LOGITS)) {
        long fixed = output.fixedDimension(2).orElse(-1L);
        if (fixed > 0) {
          return fixed;
        }
      }
    }
    return Math.max(1, model.folder().config().path("vocab_size").asLong(32_000));
  }

  @Override
  public StageRunner<GenerationInput, GenerationOutput> open(
      BatchLimits limits, InferenceListener listener) {
    Sessions sessions = new Sessions(this);
    return new StageRunner<>() {
      @Override
      public void run(List<GenerationInput> inputs, StageResults<GenerationOutput> results) {
        new DecodeLoop(GenerationStage.this, sessions, limits, listener, false, results)
            .run(inputs);
      }

      @Override
      public void close() {
        sessions.close();
      }
    };
  }

  /** One thread's sessions on the model's graphs and the cache graphs. */
  static final class Sessions implements AutoCloseable {
    private final NetworkSession encoder;
    private final NetworkSession first;
    private final NetworkSession later;
    private final CacheGraphs.Session cache;

    Sessions(GenerationStage stage) {
      GenerationModel model = stage.model;
      this.encoder = model.encoder().map(e -> e.newSession()).orElse(null);
      this.first = model.first().newSession();
      this.later = model.later() == model.first() ? first : model.later().newSession();
      this.cache = stage.graphs.newSession();
    }

    NetworkSession encoder() {
      return encoder;
    }

    NetworkSession first() {
      return first;
    }

    NetworkSession later() {
      return later;
    }

    CacheGraphs.Session cache() {
      return cache;
    }

    @Override
    public void close() {
      if (encoder != null) {
        encoder.close();
      }
      first.close();
      if (later != first) {
        later.close();
      }
      cache.close();
    }
  }
}
