package ai.hubbatch.model.audio;

import ai.hubbatch.model.source.CacheFolders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes audio bytes of any format FFmpeg reads to mono float samples at one sample rate, as
 * transformers' {@code ffmpeg_read} gets them from {@code ffmpeg -i pipe:0 -ac 1 -ar RATE -f f32le
 * pipe:1}: FFmpeg's own demuxers, decoders and resampler (libswresample, the one the command line
 * runs) in this process through JavaCV, on a stream that cannot seek, as a pipe cannot (so an MP3
 * keeps its encoder padding, as it does through the pipe). Channels are mixed down to mono by the
 * resampler as {@code -ac 1} mixes them.
 *
 * <p>Guarantees, tested against the command line's output: at the target rate, lossless input (PCM
 * WAV, FLAC) gives exactly its samples; after resampling, samples within 1e-3 RMS of the command
 * line's (in practice within 1e-6). The resampler is drained at the end, so no tail is lost.
 *
 * <p>Decoding streams: {@link #open} returns an {@link AudioStream} that decodes as it is read,
 * holding one codec frame at a time, so a recording of any length never lives in memory. Bad input
 * gives an {@link AudioDecodingException} naming the problem, or the samples FFmpeg could decode (a
 * damaged frame is skipped, as the command line skips it); a decode that runs past the timeout
 * (from a stalled input stream, say) stops with an exception. Immutable and thread-safe; every
 * stream it opens is used by one thread.
 */
public final class AudioDecoder {

  /** JavaCPP's property for where it unpacks native libraries. */
  static final String JAVACPP_CACHE_DIR = "org.bytedeco.javacpp.cachedir";

  static {
    // JavaCPP unpacks FFmpeg's libraries on first use: under hubbatch's cache, next to the other
    // natives, unless the JVM was told where (-Dorg.bytedeco.javacpp.cachedir=...).
    if (System.getProperty(JAVACPP_CACHE_DIR) == null) {
      System.setProperty(JAVACPP_CACHE_DIR, CacheFolders.hubbatch().resolve("javacpp").toString());
    }
    // Errors reach the caller as exceptions; FFmpeg's own log would repeat them on stderr.
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
  }

  private final int sampleRate;
  private final Duration timeout;

  private AudioDecoder(int sampleRate, Duration timeout) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }
    this.sampleRate = sampleRate;
    this.timeout = timeout;
  }

  /** A decoder to mono float at {@code sampleRate} Hz, without a timeout. */
  public static AudioDecoder at(int sampleRate) {
    return new AudioDecoder(sampleRate, null);
  }

  /** This decoder with a deadline for each stream it opens, counted from {@link #open}. */
  public AudioDecoder withTimeout(Duration timeout) {
    return new AudioDecoder(sampleRate, Objects.requireNonNull(timeout, "timeout"));
  }

  public int sampleRate() {
    return sampleRate;
  }

  /** The deadline of each stream, if any. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Decodes all of {@code bytes}; for clips whose samples fit in memory. */
  public float[] decode(byte[] bytes) {
    try (AudioStream stream = open(bytes)) {
      return stream.readAll();
    }
  }

  /** Opens a decoding stream over in-memory bytes. */
  public AudioStream open(byte[] bytes) {
    return open(new ByteArrayInputStream(bytes));
  }

  /**
   * Opens a decoding stream over {@code input}, which the stream closes. The input is read as it is
   * decoded, except an MP4/M4A container, which is held in memory whole because it needs seeking.
   */
  public AudioStream open(InputStream input) {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    GuardedInput guarded = new GuardedInput(input, deadline);
    byte[] head;
    try {
      head = guarded.readNBytes(AudioFormat.SNIFF_LENGTH);
    } catch (IOException e) {
      closeQuietly(input);
      throw new AudioDecodingException("could not read the audio: " + e.getMessage(), e);
    }
    if (head.length == 0) {
      closeQuietly(input);
      throw new AudioDecodingException("the audio is empty (0 bytes)");
    }
    Optional<AudioFormat> format = AudioFormat.sniff(head);
    boolean seekable = format.map(AudioFormat::needsSeeking).orElse(false);
    // A stream that cannot seek, as a pipe cannot; MP4 is the exception, and it is held in memory
    // (JavaCV buffers a stream from its start and seeks by resetting it).
    FFmpegFrameGrabber grabber =
        new FFmpegFrameGrabber(
            new SequenceInputStream(new ByteArrayInputStream(head), guarded),
            seekable ? Integer.MAX_VALUE - 8 : 0);
    grabber.setSampleMode(FrameGrabber.SampleMode.RAW);
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(grabber);
      guarded.rethrowFailure();
      throw new AudioDecodingException(describeUnreadable(format, head, e.getMessage()), e);
    }
    if (!grabber.hasAudio()) {
      release(grabber);
      throw new AudioDecodingException(
          "no audio stream in the " + format.map(Enum::name).orElse("media") + " data");
    }
    return new AudioStream(grabber, guarded, sampleRate, format, deadline, timeout);
  }

  private static String describeUnreadable(
      Optional<AudioFormat> format, byte[] head, String reason) {
    if (format.isEmpty()) {
      return "not audio: the bytes match no audio format and FFmpeg could not read them"
          + " (they start with "
          + HexFormat.ofDelimiter(" ").formatHex(Arrays.copyOf(head, Math.min(head.length, 12)))
          + ")";
    }
    return "could not read the " + format.get().name() + " audio: " + reason;
  }

  static void release(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // Releasing after a failure: the failure is what the caller hears about.
    }
  }

  private static void closeQuietly(InputStream input) {
    try {
      input.close();
    } catch (IOException e) {
      // Nothing was decoded; the caller hears about the decoding failure.
    }
  }
}
