package ai.hubbatch.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints how far a running job is, on stderr, from {@link LocalProgress}: in place on a terminal, a
 * new line every few seconds otherwise (logs, CI).
 */
final class ProgressLine implements AutoCloseable {

  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private final LocalProgress.Snapshot base = LocalProgress.snapshot();
  private final Thread thread;
  private volatile boolean running = true;

  ProgressLine(PrintStream out) {
    this.out = out;
    this.terminal = System.console() != null;
    this.thread = new Thread(this::loop, "hubbatch-progress");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long interval = terminal ? 1000 : 10_000;
    while (running) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      if (running) {
        out.print(line() + (terminal ? "\r" : "\n"));
        out.flush();
      }
    }
  }

  private String line() {
    LocalProgress.Snapshot now = LocalProgress.snapshot();
    long done = now.done() - base.done();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (done == 0) {
      // Loading the model, or workers in other JVMs (a cluster) doing the work.
      return String.format(
          Locale.ROOT,
          "hubbatch: running for %.0f s; no record done in this "
              + "JVM yet (a cluster's workers show theirs in its UI)",
          seconds);
    }
    return String.format(
        Locale.ROOT,
        "hubbatch: %,d records done (%,d failed), %.1f records/s",
        done,
        now.failed() - base.failed(),
        done / seconds);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    if (terminal) {
      out.print(" ".repeat(80) + "\r");
      out.flush();
    }
  }
}
