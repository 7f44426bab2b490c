package ai.hubbatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** The process's peak resident set size, as Linux reports it (VmHWM). */
final class PeakMemory {

  private PeakMemory() {}

  /** Megabytes, or -1 where /proc is not there. */
  static double megabytes() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
