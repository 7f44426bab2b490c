package ai.hubbatch.serve;

import ai.hubbatch.cli.InferenceOptions;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.inference.LoadedModel;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hubbatch bench-serve}: a load run against {@code serve}. Without {@code --url} it starts
 * the server in this JVM twice on the same model, first running each request alone (the toolkit's
 * behaviour, the baseline) and then with dynamic batching, sends both the same load, and prints
 * requests/s, p50 and p99 latency, failures and the engine's mean batch size, with the ratio of the
 * two. With {@code --url} it loads a running server on this machine.
 */
@Command(
    name = "bench-serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Load run against hubbatch serve: requests/s and p50/p99 latency, dynamic "
          + "batching against each request alone."
    })
public final class ServeBenchCommand implements Callable<Integer> {

  @Option(
      names = "--url",
      description =
          "A running server's base URL on this machine, e.g. "
              + "http://127.0.0.1:8085; default: start one in this JVM.")
  URI url;

  @Option(
      names = {"-i", "--input"},
      defaultValue = "samples/text/reviews.jsonl",
      description = "JSON Lines records to send (default ${DEFAULT-VALUE}), cycled.")
  Path input;

  @Option(
      names = "--clients",
      defaultValue = "16",
      description = "Concurrent clients (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--requests",
      defaultValue = "2000",
      description = "Requests per measured run (default ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--records-per-request",
      defaultValue = "1",
      description =
          "Records per request; above 1 the body is MultiRecord JSON Lines "
              + "(default ${DEFAULT-VALUE}).")
  int recordsPerRequest;

  @Option(
      names = "--max-seconds",
      defaultValue = "120",
      description = "Stop a run after this long (default ${DEFAULT-VALUE}).")
  int maxSeconds;

  @Option(names = "--max-batch-delay-ms", defaultValue = "5", description = "As in serve.")
  int maxBatchDelayMs;

  /** The in-JVM server's model and engine batches, as in serve. */
  @Mixin InferenceOptions inference;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    List<String> bodies = bodies();
    String type = "application/json";
    out.printf(
        Locale.ROOT,
        "hubbatch bench-serve: %d clients, %d requests of %d record(s), " + "%d cores%n",
        clients,
        requests,
        recordsPerRequest,
        Runtime.getRuntime().availableProcessors());
    header(out);
    if (url != null) {
      URI invocations = url.resolve("/invocations");
      LoadRun.run(
          invocations,
          type,
          bodies,
          clients,
          Math.min(requests, clients * 4),
          Duration.ofSeconds(maxSeconds));
      LoadRun.Figures figures =
          LoadRun.run(invocations, type, bodies, clients, requests, Duration.ofSeconds(maxSeconds));
      row(out, url.toString(), figures, Double.NaN);
      return figures.failed() == 0 ? 0 : 1;
    }
    LoadedModel loaded = LoadedModel.load(inference.spec(inference.model()));
    try {
      LoadRun.Figures alone = measure(loaded, false, bodies, type, out);
      LoadRun.Figures dynamic = measure(loaded, true, bodies, type, out);
      out.printf(
          Locale.ROOT,
          "dynamic / alone: %.2fx requests/s, p50 %.2fx, p99 %.2fx%n",
          dynamic.requestsPerSecond() / alone.requestsPerSecond(),
          dynamic.p50Millis() / alone.p50Millis(),
          dynamic.p99Millis() / alone.p99Millis());
      return alone.failed() + dynamic.failed() == 0 ? 0 : 1;
    } finally {
      loaded.close();
    }
  }

  private LoadRun.Figures measure(
      LoadedModel loaded, boolean dynamic, List<String> bodies, String type, PrintStream out)
      throws Exception {
    ServeSettings settings =
        ServeSettings.fromEnvironment(Map.of())
            .withPort(0)
            .withMaxConcurrent(Math.max(clients, 1))
            .withLimits(inference.sizing().resolve(loaded))
            .withMaxBatchDelay(Duration.ofMillis(maxBatchDelayMs))
            .withDynamicBatching(dynamic);
    try (InferenceServer server = InferenceServer.start(loaded, settings)) {
      URI invocations = URI.create("http://127.0.0.1:" + server.port() + "/invocations");
      // Warm-up: JIT, the engine's allocator, one predictor per request thread.
      LoadRun.run(invocations, type, bodies, clients, clients * 4, Duration.ofSeconds(maxSeconds));
      long batches = server.stats().batches();
      long sequences = server.stats().sequences();
      LoadRun.Figures figures =
          LoadRun.run(invocations, type, bodies, clients, requests, Duration.ofSeconds(maxSeconds));
      double meanBatch =
          (double) (server.stats().sequences() - sequences)
              / Math.max(1, server.stats().batches() - batches);
      row(out, dynamic ? "dynamic batching" : "each request alone", figures, meanBatch);
      return figures;
    }
  }

  private List<String> bodies() throws Exception {
    List<String> records = new ArrayList<>();
    for (String line : Files.readAllLines(input)) {
      if (!line.isBlank()) {
        records.add(line.strip());
      }
    }
    if (records.isEmpty()) {
      throw new ConfigurationException("No records in " + input);
    }
    List<String> bodies = new ArrayList<>();
    for (int start = 0; start < records.size(); start++) {
      StringBuilder body = new StringBuilder();
      for (int r = 0; r < recordsPerRequest; r++) {
        body.append(records.get((start + r) % records.size())).append('\n');
      }
      bodies.add(body.toString());
    }
    return bodies;
  }

  private static void header(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%-20s %10s %9s %9s %8s %8s %11s%n",
        "server",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "failed",
        "mean batch");
  }

  private static void row(PrintStream out, String name, LoadRun.Figures f, double meanBatch) {
    out.printf(
        Locale.ROOT,
        "%-20s %10d %9.1f %9.1f %8.1f %8d %11s%n",
        name,
        f.requests(),
        f.requestsPerSecond(),
        f.p50Millis(),
        f.p99Millis(),
        f.failed(),
        Double.isNaN(meanBatch) ? "-" : String.format(Locale.ROOT, "%.1f", meanBatch));
  }
}
