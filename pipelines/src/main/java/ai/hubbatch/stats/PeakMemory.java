package ai.hubbatch.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.OptionalLong;

/**
 * This process's peak resident set size, as Linux reports it ({@code VmHWM}): the high-water mark
 * over the JVM's life, so a JVM that ran other work first reports that too.
 */
public final class PeakMemory {

  private PeakMemory() {}

  /** Bytes, or empty where {@code /proc} is not there. */
  public static OptionalLong bytes() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }
}
