package ai.hubbatch.model.speech;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import ai.hubbatch.model.audio.AudioDecoder;
import ai.hubbatch.model.audio.AudioStream;
import ai.hubbatch.model.audio.CtcChunking;
import ai.hubbatch.model.audio.CtcChunking.Chunk;
import ai.hubbatch.model.audio.CtcDecoder;
import ai.hubbatch.model.audio.SampleWindows;
import ai.hubbatch.model.audio.Wav2Vec2FeatureExtractor;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.engine.EngineException;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Tensor;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.stage.SizedLimits;
import ai.hubbatch.model.stage.Stage;
import ai.hubbatch.model.stage.StageResults;
import ai.hubbatch.model.stage.StageRunner;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model over raw samples ({@code input_values}: wav2vec2, HuBERT and their classifiers) run over
 * recordings that stream: each recording is decoded as its windows are needed ({@link Windowing}),
 * and the windows of many recordings share batches under the limits ({@code maxItems} windows,
 * {@code maxCost} padded samples). Windows are padded only when the model takes an {@code
 * attention_mask}; otherwise only windows of one length share a batch, since padding would change
 * what the model computes. However long a recording, only the windows waiting for a batch are in
 * memory.
 *
 * <p>A CTC model's windows give greedy ids, joined without their strides ({@link
 * CtcChunking.Joiner}); a classifier's one window gives its logits. A recording that cannot be
 * decoded, or that the engine fails on alone, fails alone. Cost is samples; a recording's cost
 * before it is decoded is its encoded size in bytes over two (exact for 16-bit PCM at the model's
 * rate).
 */
final class AudioStage implements Stage<Recording, Heard> {

  private static final String INPUT_VALUES = "input_values";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String LOGITS = "logits";

  private final Network network;
  private final Wav2Vec2FeatureExtractor extractor;
  private final AudioDecoder decoder;
  private final boolean ctc;
  private final int alignTo;
  private final int[][] convolutions;

  /**
   * @param folder the model's folder (config.json, preprocessor_config.json)
   * @param network the model
   * @param ctc whether it is a CTC model (greedy ids per window) rather than a classifier
   * @throws IllegalArgumentException if the network takes no {@code input_values}
   */
  AudioStage(ModelFolder folder, Network network, boolean ctc) {
    if (!network.takes(INPUT_VALUES)) {
      throw new IllegalArgumentException(
          "The model "
              + folder.displayName()
              + " ("
              + network.file().getFileName()
              + ") takes no input_values; its inputs are "
              + network.inputs());
    }
    this.network = network;
    this.extractor = Wav2Vec2FeatureExtractor.fromConfig(folder.json("preprocessor_config.json"));
    this.decoder = AudioDecoder.at(extractor.samplingRate());
    this.ctc = ctc;
    this.alignTo = ctc ? CtcDecoder.inputsToLogitsRatio(folder.config()) : 1;
    this.convolutions = convolutions(folder.config());
  }

  /** {@code [kernel, stride]} of each feature-encoder convolution, for padded batches' frames. */
  private static int[][] convolutions(JsonNode config) {
    JsonNode kernels = config.path("conv_kernel");
    JsonNode strides = config.path("conv_stride");
    int[][] layers = new int[Math.min(kernels.size(), strides.size())][];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new int[] {kernels.get(i).asInt(), strides.get(i).asInt()};
    }
    return layers;
  }

  int samplingRate() {
    return extractor.samplingRate();
  }

  /** The model's samples per logits frame (CTC), 1 for a classifier. */
  int alignTo() {
    return alignTo;
  }

  private boolean padded() {
    return network.takes(ATTENTION_MASK);
  }

  @Override
  public long cost(Recording input) {
    return Math.max(1, input.bytes().length / 2);
  }

  @Override
  public String costUnit() {
    return "samples";
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
        + ", "
        + (ctc ? "CTC" : "audio classifier")
        + " at "
        + extractor.samplingRate()
        + " Hz"
        + (padded() ? ", padded batches with attention_mask" : ", windows of one length per batch");
  }

  @Override
  public SizedLimits defaultLimits() {
    Device device = network.device();
    if (device.isGpu()) {
      var memory = CudaUtils.getGpuMemory(device);
      return new SizedLimits(
          AudioBudgets.forGpu(memory.getMax() - memory.getUsed()),
          "sized for the free memory of " + device);
    }
    return new SizedLimits(AudioBudgets.forCpu(), "a few windows per call on a CPU");
  }

  @Override
  public long gatherCost(BatchLimits limits) {
    return (long) AudioBudgets.HELD_BATCHES * limits.maxCost();
  }

  @Override
  public StageRunner<Recording, Heard> open(BatchLimits limits, InferenceListener listener) {
    NetworkSession session = network.newSession();
    return new StageRunner<>() {
      @Override
      public void run(List<Recording> inputs, StageResults<Heard> results) {
        new Run(session, limits, listener, results).run(inputs);
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }

  /** One recording being read: its windows, and what its finished windows gave. */
  private final class Open {
    final int index;
    final CtcChunking.Joiner joiner;
    float[] logits;
    int outstanding;
    boolean read;
    boolean done;

    Open(int index) {
      this.index = index;
      // a joiner depends only on the samples per logits frame, not on the chunk lengths
      this.joiner = ctc ? CtcChunking.of(1, 0.0, 0.0, samplingRate(), alignTo).joiner() : null;
    }
  }

  /** A window waiting for a batch, and its recording. */
  private record Piece(Open owner, Chunk chunk) {}

  /** One runner call: every recording's windows, batched. Not thread-safe. */
  private final class Run {
    private final NetworkSession session;
    private final BatchLimits limits;
    private final InferenceListener listener;
    private final StageResults<Heard> results;
    private final Map<Integer, List<Piece>> groups = new LinkedHashMap<>();
    private long held;

    Run(
        NetworkSession session,
        BatchLimits limits,
        InferenceListener listener,
        StageResults<Heard> results) {
      this.session = session;
      this.limits = limits;
      this.listener = listener;
      this.results = results;
    }

    void run(List<Recording> inputs) {
      for (int i = 0; i < inputs.size(); i++) {
        read(i, inputs.get(i));
      }
      for (List<Piece> group : List.copyOf(groups.values())) {
        runGroup(group);
      }
      groups.clear();
    }

    /** Reads one recording's windows into the groups, running groups as they fill. */
    private void read(int index, Recording recording) {
      Open open = new Open(index);
      try (AudioStream stream = decoder.open(recording.bytes())) {
        Iterator<Chunk> chunks = recording.windowing().chunks(new SampleWindows(stream));
        while (!open.done && chunks.hasNext()) {
          add(new Piece(open, chunks.next()));
        }
      } catch (InvalidRequestException e) {
        fail(open, e.getMessage());
      } catch (RuntimeException e) {
        fail(open, "Internal error reading the recording: " + e);
      }
      open.read = true;
      finishIfDone(open);
    }

    private void add(Piece piece) {
      int length = piece.chunk().samples().length;
      int key = padded() ? 0 : length;
      List<Piece> group = groups.computeIfAbsent(key, k -> new ArrayList<>());
      if (!group.isEmpty()) {
        int longest = Math.max(length, longest(group));
        if (group.size() >= limits.maxItems()
            || (long) longest * (group.size() + 1) > limits.maxCost()) {
          runGroup(group);
        }
      }
      group.add(piece);
      piece.owner().outstanding++;
      held += length;
      if (held > (long) AudioBudgets.HELD_BATCHES * limits.maxCost()) {
        runGroup(
            groups.values().stream()
                .max((a, b) -> Integer.compare(a.size(), b.size()))
                .orElseThrow());
      }
    }

    private int longest(List<Piece> group) {
      return group.stream().mapToInt(p -> p.chunk().samples().length).max().orElse(0);
    }

    /** Runs a group's windows and empties it. */
    private void runGroup(List<Piece> group) {
      List<Piece> pieces = List.copyOf(group);
      group.clear();
      for (Piece piece : pieces) {
        held -= piece.chunk().samples().length;
      }
      if (!pieces.isEmpty()) {
        runBatch(pieces);
      }
    }

    private void runBatch(List<Piece> pieces) {
      List<float[]> samples = new ArrayList<>(pieces.size());
      long real = 0;
      for (Piece piece : pieces) {
        samples.add(piece.chunk().samples());
        real += piece.chunk().samples().length;
      }
      int n = pieces.size();
      int width = samples.stream().mapToInt(w -> w.length).max().orElse(0);
      Map<String, HostTensor> feed = new LinkedHashMap<>();
      if (padded()) {
        Wav2Vec2FeatureExtractor.Batch batch = extractor.batch(samples);
        float[] values = new float[n * width];
        long[] mask = new long[n * width];
        for (int r = 0; r < n; r++) {
          System.arraycopy(batch.inputValues()[r], 0, values, r * width, width);
          System.arraycopy(batch.attentionMask()[r], 0, mask, r * width, width);
        }
        feed.put(INPUT_VALUES, HostTensor.ofFloats(values, n, width));
        feed.put(ATTENTION_MASK, HostTensor.ofLongs(mask, n, width));
      } else {
        // windows of one length: nothing to pad, no mask, one row copy per window
        float[] values = new float[n * width];
        for (int r = 0; r < n; r++) {
          System.arraycopy(extractor.inputValues(samples.get(r)), 0, values, r * width, width);
        }
        feed.put(INPUT_VALUES, HostTensor.ofFloats(values, n, width));
      }
      long start = System.nanoTime();
      Tensor logits;
      try (Outputs outputs = session.run(feed)) {
        logits = outputs.read(outputs.names().contains(LOGITS) ? LOGITS : outputs.names().get(0));
      } catch (EngineException e) {
        listener.onBatch(new BatchReport(n, real, real, System.nanoTime() - start, true));
        if (n == 1) {
          fail(pieces.get(0).owner(), e.getMessage());
          finishIfDone(pieces.get(0).owner());
          return;
        }
        // Split to find the window the engine cannot take; the others still get answers.
        runBatch(pieces.subList(0, n / 2));
        runBatch(pieces.subList(n / 2, n));
        return;
      }
      listener.onBatch(
          new BatchReport(n, real, (long) n * width, System.nanoTime() - start, false));
      for (int r = 0; r < n; r++) {
        Piece piece = pieces.get(r);
        Open owner = piece.owner();
        owner.outstanding--;
        if (!owner.done) {
          deliverRow(owner, piece.chunk(), logits, r);
        }
        finishIfDone(owner);
      }
    }

    private void deliverRow(Open owner, Chunk chunk, Tensor logits, int row) {
      int size = logits.rowSize();
      if (!ctc) {
        owner.logits = new float[size];
        System.arraycopy(logits.data(), row * size, owner.logits, 0, size);
        return;
      }
      int vocabulary = logits.dim(2);
      int frames =
          padded() ? Math.min(logits.dim(1), frames(chunk.samples().length)) : logits.dim(1);
      int[] ids = CtcDecoder.greedy(logits.data(), row * size, frames, vocabulary);
      owner.joiner.add(chunk, ids);
    }

    /** The logits frames the feature encoder gives for {@code samples} samples. */
    private int frames(int samples) {
      long length = samples;
      for (int[] layer : convolutions) {
        length = Math.max(0, (length - layer[0]) / layer[1] + 1);
      }
      return (int) length;
    }

    private void fail(Open open, String reason) {
      if (!open.done) {
        open.done = true;
        results.fail(open.index, reason);
      }
    }

    private void finishIfDone(Open open) {
      if (open.done || !open.read || open.outstanding > 0) {
        return;
      }
      open.done = true;
      results.deliver(open.index, ctc ? new Heard(open.joiner.ids(), null) : heard(open));
    }

    private Heard heard(Open open) {
      if (open.logits == null) {
        throw new IllegalStateException("a classifier's recording ended without a window");
      }
      return new Heard(null, open.logits);
    }
  }
}
