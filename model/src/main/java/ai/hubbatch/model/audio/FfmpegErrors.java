package ai.hubbatch.model.audio;

import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's error codes in words. */
final class FfmpegErrors {

  private FfmpegErrors() {}

  static String describe(int code) {
    byte[] message = new byte[256];
    if (avutil.av_strerror(code, message, message.length) < 0) {
      return "FFmpeg error " + code;
    }
    int length = 0;
    while (length < message.length && message[length] != 0) {
      length++;
    }
    return new String(message, 0, length, StandardCharsets.UTF_8) + " (" + code + ")";
  }
}
