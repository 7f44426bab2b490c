package ai.hubbatch.model.audio;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * One recording being decoded: mono float samples at the decoder's rate, read front to back. It
 * decodes one codec frame at a time as samples are read, so its memory does not grow with the
 * recording. The decoder's frames go, in their own sample format, channel layout and rate, through
 * one libswresample context to mono float at the target rate, as the {@code ffmpeg} command's
 * {@code -ac 1 -ar RATE} conversion does; at the end the context is drained, so the resampler's
 * last samples are not lost. Not thread-safe; close it to free its native memory.
 */
public final class AudioStream implements SampleSource, AutoCloseable {

  /** Frames in a row that decode to nothing before the stream is taken to be stuck. */
  private static final int MAX_EMPTY_FRAMES = 10_000;

  private final FFmpegFrameGrabber grabber;
  private final GuardedInput input;
  private final int sampleRate;
  private final Optional<AudioFormat> format;
  private final long deadline;
  private final Duration timeout;
  private final int sourceRate;
  private final int sourceChannels;

  private SwrContext resampler;
  private int resamplerFormat = -1;
  private int resamplerRate;
  private int resamplerChannels;
  private FloatPointer converted;
  private PointerPointer<FloatPointer> convertedPlanes;
  private int convertedCapacity;

  private float[] pending = new float[0];
  private int pendingStart;
  private int pendingEnd;
  private long samplesRead;
  private boolean ended;
  private boolean closed;

  AudioStream(
      FFmpegFrameGrabber grabber,
      GuardedInput input,
      int sampleRate,
      Optional<AudioFormat> format,
      long deadline,
      Duration timeout) {
    this.grabber = grabber;
    this.input = input;
    this.sampleRate = sampleRate;
    this.format = format;
    this.deadline = deadline;
    this.timeout = timeout;
    this.sourceRate = grabber.getSampleRate();
    this.sourceChannels = grabber.getAudioChannels();
  }

  /** The rate of the samples this stream gives. */
  public int sampleRate() {
    return sampleRate;
  }

  /** The recording's own sample rate, as its container or codec states it. */
  public int sourceSampleRate() {
    return sourceRate;
  }

  /** The recording's channel count (the samples given are their average). */
  public int sourceChannels() {
    return sourceChannels;
  }

  /** The container format told from the first bytes, if it was one {@link AudioFormat} knows. */
  public Optional<AudioFormat> format() {
    return format;
  }

  /** How many samples {@link #read} has given so far. */
  public long position() {
    return samplesRead;
  }

  /**
   * Reads up to {@code length} samples into {@code buffer}; returns how many, at least one unless
   * the recording has ended, when it returns -1.
   *
   * @throws AudioDecodingException when the input fails or the deadline passes
   */
  @Override
  public int read(float[] buffer, int offset, int length) {
    if (closed) {
      throw new IllegalStateException("the audio stream is closed");
    }
    if (length == 0) {
      return 0;
    }
    while (pendingStart == pendingEnd) {
      if (!decodeMore()) {
        return -1;
      }
    }
    int count = Math.min(length, pendingEnd - pendingStart);
    System.arraycopy(pending, pendingStart, buffer, offset, count);
    pendingStart += count;
    samplesRead += count;
    return count;
  }

  /** Reads the rest of the recording into one array. */
  public float[] readAll() {
    float[] all = new float[Math.max(1024, sampleRate)];
    int size = 0;
    while (true) {
      if (size == all.length) {
        all = Arrays.copyOf(all, all.length * 2);
      }
      int count = read(all, size, all.length - size);
      if (count < 0) {
        return Arrays.copyOf(all, size);
      }
      size += count;
    }
  }

  /** Decodes the next codec frame into {@code pending}; false once everything has been given. */
  private boolean decodeMore() {
    if (ended) {
      return false;
    }
    for (int empty = 0; empty < MAX_EMPTY_FRAMES; empty++) {
      if (input.pastDeadline()) {
        throw new AudioDecodingException(
            "decoding the audio took longer than the " + timeout + " allowed");
      }
      Frame frame;
      try {
        frame = grabber.grabSamples();
      } catch (FrameGrabber.Exception | RuntimeException e) {
        input.rethrowFailure();
        throw new AudioDecodingException("could not decode the audio: " + e.getMessage(), e);
      }
      input.rethrowFailure();
      if (frame == null) {
        ended = true;
        return drain() > 0;
      }
      AVFrame samples = (AVFrame) frame.opaque;
      if (samples == null || samples.nb_samples() == 0) {
        continue;
      }
      if (convert(samples) > 0) {
        return true;
      }
    }
    throw new AudioDecodingException(
        "the audio decoder made no progress over " + MAX_EMPTY_FRAMES + " frames");
  }

  private int convert(AVFrame samples) {
    int channels = samples.ch_layout().nb_channels();
    if (resampler != null
        && (samples.format() != resamplerFormat
            || samples.sample_rate() != resamplerRate
            || channels != resamplerChannels)) {
      // A chained stream changed its parameters: finish the old conversion first.
      int drained = drain();
      freeResampler();
      openResampler(samples);
      return drained + resample(samples.extended_data(), samples.nb_samples(), drained);
    }
    if (resampler == null) {
      openResampler(samples);
    }
    return resample(samples.extended_data(), samples.nb_samples(), 0);
  }

  private void openResampler(AVFrame samples) {
    AVChannelLayout in = new AVChannelLayout();
    AVChannelLayout out = new AVChannelLayout();
    try {
      int channels = samples.ch_layout().nb_channels();
      if (samples.ch_layout().order() == avutil.AV_CHANNEL_ORDER_UNSPEC) {
        // No layout stated (a WAV without a channel mask, say): the command line takes the
        // default layout for the channel count, and so does this.
        avutil.av_channel_layout_default(in, channels);
      } else {
        avutil.av_channel_layout_copy(in, samples.ch_layout());
      }
      avutil.av_channel_layout_default(out, 1);
      SwrContext context = new SwrContext().retainReference();
      int status =
          swresample.swr_alloc_set_opts2(
              context,
              out,
              avutil.AV_SAMPLE_FMT_FLT,
              sampleRate,
              in,
              samples.format(),
              samples.sample_rate(),
              0,
              null);
      if (status < 0 || (status = swresample.swr_init(context)) < 0) {
        swresample.swr_free(context);
        throw new AudioDecodingException(
            "cannot convert "
                + channels
                + " channels at "
                + samples.sample_rate()
                + " Hz to mono at "
                + sampleRate
                + " Hz: "
                + FfmpegErrors.describe(status));
      }
      resampler = context;
      resamplerFormat = samples.format();
      resamplerRate = samples.sample_rate();
      resamplerChannels = channels;
    } finally {
      avutil.av_channel_layout_uninit(in);
      avutil.av_channel_layout_uninit(out);
      in.close();
      out.close();
    }
  }

  /** Empties the resampler's delay line into {@code pending}; returns how many samples it gave. */
  private int drain() {
    if (resampler == null) {
      return 0;
    }
    int total = 0;
    while (true) {
      int count = resample(null, 0, total);
      if (count <= 0) {
        return total;
      }
      total += count;
    }
  }

  /**
   * Runs the resampler on {@code count} input samples (none to drain it), putting its output into
   * {@code pending} after the {@code keep} samples already there from this decode step.
   */
  private int resample(PointerPointer<?> planes, int count, int keep) {
    int capacity = swresample.swr_get_out_samples(resampler, count);
    if (capacity <= 0) {
      capacity = 0;
    }
    capacity += 32;
    if (capacity > convertedCapacity) {
      freeConverted();
      converted = new FloatPointer(capacity);
      convertedPlanes = new PointerPointer<FloatPointer>(1).put(0, converted);
      convertedCapacity = capacity;
    }
    int produced =
        swresample.swr_convert(resampler, convertedPlanes, convertedCapacity, planes, count);
    if (produced < 0) {
      throw new AudioDecodingException(
          "the audio resampler failed: " + FfmpegErrors.describe(produced));
    }
    if (keep == 0) {
      pendingStart = 0;
      pendingEnd = 0;
    }
    if (pending.length < pendingEnd + produced) {
      pending = Arrays.copyOf(pending, Math.max(pendingEnd + produced, pending.length * 2));
    }
    converted.position(0).get(pending, pendingEnd, produced);
    pendingEnd += produced;
    return produced;
  }

  private void freeResampler() {
    if (resampler != null) {
      swresample.swr_free(resampler);
      resampler = null;
    }
  }

  private void freeConverted() {
    if (converted != null) {
      convertedPlanes.close();
      converted.close();
      converted = null;
      convertedPlanes = null;
      convertedCapacity = 0;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    freeResampler();
    freeConverted();
    AudioDecoder.release(grabber);
  }
}
