package ai.hubbatch.model.audio;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Streams a recording through 30-second windows and prints its sample count, the windows and the
 * largest magnitude; run by {@link LongRecordingTest} in a JVM with a small heap.
 */
public final class LongRecordingMain {

  private LongRecordingMain() {}

  public static void main(String[] args) throws Exception {
    long samples = 0;
    long windows = 0;
    float peak = 0;
    try (InputStream in = Files.newInputStream(Path.of(args[0]));
        AudioStream stream = AudioDecoder.at(16000).open(in)) {
      Iterator<AudioWindow> it = new SampleWindows(stream).fixed(480_000, 0);
      while (it.hasNext()) {
        float[] window = it.next().samples();
        samples += window.length;
        windows++;
        for (float sample : window) {
          peak = Math.max(peak, Math.abs(sample));
        }
      }
    }
    System.out.println(samples + " " + windows + " " + peak);
  }
}
