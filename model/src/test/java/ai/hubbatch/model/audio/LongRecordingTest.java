package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A six-hour recording (silence, FLAC, written here with FFmpeg's encoder) decodes to its every
 * sample in a JVM whose heap (64 MB) could not hold a twentieth of them as one array.
 */
class LongRecordingTest {

  private static final int RATE = 16000;
  private static final long SECONDS = 6 * 3600;

  @Test
  void sixHoursOfSilenceStreamInBoundedMemory(@TempDir Path dir) throws Exception {
    Path flac = dir.resolve("six-hours.flac");
    writeSilence(flac);

    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LongRecordingMain.class.getName(),
                flac.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(10, TimeUnit.MINUTES);

    assertEquals(0, process.exitValue(), output);
    long samples = SECONDS * RATE;
    assertEquals(List.of(samples + " " + (samples / 480_000) + " 0.0"), output.lines().toList());
  }

  private static void writeSilence(Path file) throws Exception {
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 1)) {
      recorder.setFormat("flac");
      recorder.setAudioCodec(avcodec.AV_CODEC_ID_FLAC);
      recorder.setSampleRate(RATE);
      recorder.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      recorder.start();
      ShortBuffer second = ShortBuffer.allocate(RATE);
      for (long s = 0; s < SECONDS; s++) {
        second.rewind();
        recorder.recordSamples(RATE, 1, second);
      }
      recorder.stop();
    }
  }
}
