package ai.hubbatch.model.audio;

import ai.hubbatch.model.source.ModelFolder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic of transformers' sequential long-form Whisper generation (audio longer than one
 * window), engine-free: where each 30-second window starts ({@code seek}, in mel frames), its time
 * offset ({@code seek * time_precision / input_stride} seconds), and, from the tokens generated for
 * it, its segments and where the next window starts ({@code _retrieve_segment}): after the last
 * closing timestamp of a window that ends mid-segment, else a whole window on. The generation loop
 * decodes each window with timestamps, hands the tokens here, and seeks on. Immutable.
 */
public final class WhisperLongForm {

  /** Mel frames per encoder position: Whisper's two convolutions, strides 1 and 2. */
  public static final int INPUT_STRIDE = 2;

  private final int segmentFrames;
  private final double timePrecision;
  private final double featureTimePrecision;
  private final long timestampBegin;
  private final long endOfText;
  private final long padding;

  public WhisperLongForm(
      int maxSourcePositions,
      double timePrecision,
      double featureTimePrecision,
      long timestampBegin,
      long endOfText,
      long padding) {
    this.segmentFrames = INPUT_STRIDE * maxSourcePositions;
    this.timePrecision = timePrecision;
    this.featureTimePrecision = featureTimePrecision;
    this.timestampBegin = timestampBegin;
    this.endOfText = endOfText;
    this.padding = padding;
  }

  /**
   * The long-form arithmetic of a Whisper folder: {@code max_source_positions}, the feature hop
   * ({@code hop_length / sampling_rate}, 0.01 s), generate's {@code time_precision} of 0.02 s, and
   * the end and padding tokens of {@code generation_config.json}.
   */
  public static WhisperLongForm load(ModelFolder folder) {
    var generation = folder.json("generation_config.json");
    var features = folder.json("preprocessor_config.json");
    long eos = generation.path("eos_token_id").asLong();
    return new WhisperLongForm(
        folder.config().path("max_source_positions").asInt(1500),
        0.02,
        features.path("hop_length").asDouble(160) / features.path("sampling_rate").asDouble(16000),
        generation.path("no_timestamps_token_id").asLong() + 1,
        eos,
        generation.path("pad_token_id").asLong(eos));
  }

  /** Mel frames per window (3000). */
  public int segmentFrames() {
    return segmentFrames;
  }

  /** The window starting at mel frame {@code seek} of a recording of {@code totalFrames}. */
  public Window window(long seek, long totalFrames) {
    return new Window(
        seek,
        (int) Math.min(totalFrames - seek, segmentFrames),
        seek * timePrecision / INPUT_STRIDE);
  }

  /**
   * The segments of one window's generated tokens (prompt excluded) and the next window's start.
   */
  public Step step(Window window, long[] generated) {
    long[] sequence = trimmed(generated);
    int length = sequence.length;
    boolean[] timestamp = new boolean[length];
    for (int i = 0; i < length; i++) {
      timestamp[i] = sequence[i] >= timestampBegin;
    }
    // timestamp_tokens[-2:] == [False, True]
    boolean singleEnding = length >= 2 && !timestamp[length - 2] && timestamp[length - 1];
    List<Integer> slices = new ArrayList<>();
    for (int i = 0; i + 1 < length; i++) {
      if (timestamp[i] && timestamp[i + 1]) {
        slices.add(i + 1);
      }
    }
    List<Segment> segments = new ArrayList<>();
    long offset;
    if (!slices.isEmpty()) {
      if (singleEnding) {
        slices.add(length);
      } else {
        slices.set(slices.size() - 1, slices.get(slices.size() - 1) + 1);
      }
      int last = 0;
      for (int i = 0; i < slices.size(); i++) {
        int current = slices.get(i);
        long[] tokens = Arrays.copyOfRange(sequence, last, current);
        boolean lastSlice = i == slices.size() - 1;
        long start = tokens[0] - timestampBegin;
        long end =
            tokens[!lastSlice || singleEnding ? tokens.length - 1 : tokens.length - 2]
                - timestampBegin;
        segments.add(
            new Segment(
                window.timeOffset() + start * timePrecision,
                window.timeOffset() + end * timePrecision,
                tokens));
        last = current;
      }
      offset =
          singleEnding ? window.frames() : (sequence[last - 2] - timestampBegin) * INPUT_STRIDE;
    } else {
      double lastPosition = (int) (window.frames() * featureTimePrecision / timePrecision);
      long lastTimestamp = -1;
      for (long token : sequence) {
        if (token >= timestampBegin) {
          lastTimestamp = token;
        }
      }
      if (lastTimestamp >= 0 && lastTimestamp != timestampBegin) {
        lastPosition = lastTimestamp - timestampBegin;
      }
      segments.add(
          new Segment(
              window.timeOffset(), window.timeOffset() + lastPosition * timePrecision, sequence));
      offset = window.frames();
    }
    return new Step(segments, window.seek() + offset);
  }

  /** Generate's trimming: trailing padding removed, then one end-of-text. */
  private long[] trimmed(long[] generated) {
    int length = generated.length;
    if (length > 0 && generated[length - 1] == padding) {
      long paddings = Arrays.stream(generated).filter(t -> t == padding).count();
      length -= (int) paddings;
    }
    if (length > 0 && generated[length - 1] == endOfText) {
      length--;
    }
    return Arrays.copyOf(generated, Math.max(0, length));
  }

  /** One window: its first mel frame, its frame count (at most 3000) and its time offset. */
  public record Window(long seek, int frames, double timeOffset) {}

  /** A segment: start and end in seconds from the recording's start, and its tokens. */
  public record Segment(double start, double end, long[] tokens) {}

  /** What one window gave: its segments, and the mel frame the next window starts at. */
  public record Step(List<Segment> segments, long nextSeek) {}
}
