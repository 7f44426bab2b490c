package ai.hubbatch.model.speech;

import ai.hubbatch.model.audio.CtcChunking;
import ai.hubbatch.model.audio.CtcChunking.Chunk;
import ai.hubbatch.model.audio.SampleWindows;
import ai.hubbatch.model.codec.InvalidRequestException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * How a recording is cut into the windows a model takes: whole, as the pipelines feed a recording
 * (refused past a length, so a long recording never becomes one tensor), or in the CTC pipeline's
 * overlapping chunks. Windows are read from the recording as they are asked for.
 */
@FunctionalInterface
interface Windowing {

  /**
   * The windows of the recording under {@code windows}, read lazily.
   *
   * @throws InvalidRequestException when the recording cannot be cut so (too long, no samples)
   */
  Iterator<Chunk> chunks(SampleWindows windows);

  /**
   * The whole recording as one window, refused when it is longer than {@code maxSamples}.
   *
   * @param task the task, for messages
   */
  static Windowing whole(int maxSamples, int samplingRate, String task) {
    return windows -> {
      if (!windows.endsWithin(maxSamples)) {
        throw new InvalidRequestException(
            String.format(
                Locale.ROOT,
                "%s: the recording is longer than %.0f s, the most %s reads as one window",
                task,
                (double) maxSamples / samplingRate,
                task));
      }
      return List.of(new Chunk(0, nonEmpty(windows.window(maxSamples), task), 0, 0, true))
          .iterator();
    };
  }

  /**
   * The recording whole when it fits in {@code maxSamples}, as the pipeline runs a CTC model
   * without {@code chunk_length_s}; otherwise in {@code fallback}'s chunks, so that a recording of
   * any length streams through the model.
   */
  static Windowing wholeOrChunked(int maxSamples, CtcChunking fallback, String task) {
    return windows -> {
      if (windows.endsWithin(maxSamples)) {
        return List.of(new Chunk(0, nonEmpty(windows.window(maxSamples), task), 0, 0, true))
            .iterator();
      }
      return fallback.chunks(windows);
    };
  }

  /** The chunks {@code chunk_length_s} and {@code stride_length_s} asked for. */
  static Windowing chunked(CtcChunking chunking, String task) {
    return windows -> {
      if (windows.atEnd()) {
        throw new InvalidRequestException(task + ": the recording has no audio samples");
      }
      return chunking.chunks(windows);
    };
  }

  private static float[] nonEmpty(float[] samples, String task) {
    if (samples.length == 0) {
      throw new InvalidRequestException(task + ": the recording has no audio samples");
    }
    return samples;
  }
}
