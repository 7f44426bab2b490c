package ai.hubbatch.model.speech;

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
 * Twenty minutes of silence (FLAC, written here with FFmpeg's encoder) transcribed by the CTC task
 * in a JVM whose heap (64 MB) could not hold its samples as one array (77 MB): the recording
 * streams through the model in windows, never as one tensor.
 */
class LongTranscriptionTest {

  private static final int RATE = 16000;
  private static final long SECONDS = 20 * 60;

  @Test
  void twentyMinutesStreamThroughTheModelInBoundedMemory(@TempDir Path dir) throws Exception {
    Path flac = dir.resolve("twenty-minutes.flac");
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(flac.toFile(), 1)) {
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
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LongTranscriptionMain.class.getName(),
                flac.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(10, TimeUnit.MINUTES);

    assertEquals(0, process.exitValue(), output);
    // silence has no characters, whatever the random model makes of it: only that it finished
    List<String> lines =
        output.lines().filter(l -> l.startsWith("ok ") || l.startsWith("failed")).toList();
    assertEquals(1, lines.size(), output);
    assertEquals("ok", lines.get(0).split(" ")[0], output);
  }
}
