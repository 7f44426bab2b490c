package ai.hubbatch.model.audio;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The audio container formats told from a file's first bytes, as {@code audio/x-audio} asks. The
 * decoder lets FFmpeg probe the bytes itself (as the {@code ffmpeg} command does); sniffing decides
 * only what FFmpeg cannot see from a stream: whether the container needs seeking (MP4/M4A keeps its
 * index at the end), and which error to give for bytes that are no audio at all.
 */
public enum AudioFormat {
  WAV("audio/wave", false),
  FLAC("audio/x-flac", false),
  MP3("audio/mpeg", false),
  OGG("audio/ogg", false),
  MP4("audio/mp4", true),
  WEBM("audio/webm", false),
  AIFF("audio/aiff", false),
  AAC("audio/aac", false);

  /** How many leading bytes {@link #sniff} reads. */
  public static final int SNIFF_LENGTH = 64;

  private final String mediaType;
  private final boolean needsSeeking;

  AudioFormat(String mediaType, boolean needsSeeking) {
    this.mediaType = mediaType;
    this.needsSeeking = needsSeeking;
  }

  /** The usual media type of the format. */
  public String mediaType() {
    return mediaType;
  }

  /** Whether the container cannot be decoded front to back (MP4: the sample index may be last). */
  public boolean needsSeeking() {
    return needsSeeking;
  }

  /**
   * The format whose signature starts {@code head} (at least the first {@link #SNIFF_LENGTH} bytes
   * of the file where it has them), or empty when none matches.
   */
  public static Optional<AudioFormat> sniff(byte[] head) {
    if (startsWith(head, 0, "RIFF") && startsWith(head, 8, "WAVE")
        || startsWith(head, 0, "RF64") && startsWith(head, 8, "WAVE")) {
      return Optional.of(WAV);
    }
    if (startsWith(head, 0, "fLaC")) {
      return Optional.of(FLAC);
    }
    if (startsWith(head, 0, "OggS")) {
      return Optional.of(OGG);
    }
    if (startsWith(head, 4, "ftyp")) {
      return Optional.of(MP4);
    }
    if (startsWith(head, 0, "FORM")
        && (startsWith(head, 8, "AIFF") || startsWith(head, 8, "AIFC"))) {
      return Optional.of(AIFF);
    }
    if (head.length >= 4
        && (head[0] & 0xff) == 0x1a
        && (head[1] & 0xff) == 0x45
        && (head[2] & 0xff) == 0xdf
        && (head[3] & 0xff) == 0xa3) {
      return Optional.of(WEBM);
    }
    if (startsWith(head, 0, "ID3")) {
      return Optional.of(MP3);
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xe0) == 0xe0) {
      // An MPEG audio frame sync: layer bits 00 are ADTS (AAC), anything else MPEG layer I-III.
      return Optional.of((head[1] & 0x06) == 0 ? AAC : MP3);
    }
    return Optional.empty();
  }

  /**
   * The format a request's content type names, or empty for {@code audio/x-audio} and other types
   * that leave the format to the bytes. Parameters after {@code ;} are ignored.
   */
  public static Optional<AudioFormat> forContentType(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    switch (type) {
      case "audio/wav":
      case "audio/wave":
      case "audio/x-wav":
      case "audio/vnd.wave":
        return Optional.of(WAV);
      case "audio/flac":
      case "audio/x-flac":
        return Optional.of(FLAC);
      case "audio/mpeg":
      case "audio/mp3":
        return Optional.of(MP3);
      case "audio/ogg":
      case "audio/opus":
      case "audio/vorbis":
        return Optional.of(OGG);
      case "audio/mp4":
      case "audio/m4a":
      case "audio/x-m4a":
        return Optional.of(MP4);
      case "audio/webm":
        return Optional.of(WEBM);
      case "audio/aiff":
      case "audio/x-aiff":
        return Optional.of(AIFF);
      case "audio/aac":
        return Optional.of(AAC);
      default:
        return Optional.empty();
    }
  }

  private static boolean startsWith(byte[] bytes, int offset, String ascii) {
    byte[] expected = ascii.getBytes(StandardCharsets.US_ASCII);
    return bytes.length >= offset + expected.length
        && Arrays.equals(bytes, offset, offset + expected.length, expected, 0, expected.length);
  }
}
