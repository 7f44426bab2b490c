package ai.hubbatch.cli;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.source.DefaultModel;
import ai.hubbatch.model.source.ModelLocator;
import ai.hubbatch.serve.Connections;
import ai.hubbatch.serve.InferenceServer;
import ai.hubbatch.serve.ServeSettings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hubbatch serve}: the SageMaker inference container's server, wire-compatible with the
 * Hugging Face inference toolkit. Every option defaults to the environment variable SageMaker or
 * the toolkit sets; an option given wins.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serves a model over HTTP as SageMaker inference containers do: GET /ping, "
          + "POST /invocations, GET /execution-parameters. Records of concurrent requests are "
          + "batched together on the model. Runs until SIGTERM, which drains requests in flight."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--port", description = "Port (env SAGEMAKER_BIND_TO_PORT, default 8080).")
  Integer port;

  @Option(
      names = "--bind-address",
      description =
          "Address to listen on, such as 127.0.0.1 (env SAGEMAKER_BIND_TO_ADDRESS; default every"
              + " interface, as SageMaker needs).")
  String bindAddress;

  @Option(
      names = "--header-timeout-seconds",
      description =
          "A request's line and headers must arrive within this time, else 408 and the"
              + " connection closes (env SAGEMAKER_MODEL_SERVER_HEADER_TIMEOUT_SECONDS, default 60;"
              + " 0 = none).")
  Integer headerTimeoutSeconds;

  @Option(
      names = "--body-timeout-seconds",
      description =
          "A request's body must arrive within this time of its headers, else 408 (env"
              + " SAGEMAKER_MODEL_SERVER_BODY_TIMEOUT_SECONDS, default 120; 0 = none).")
  Integer bodyTimeoutSeconds;

  @Option(
      names = "--idle-timeout-seconds",
      description =
          "A kept-alive connection with no new request for this long is closed (env"
              + " SAGEMAKER_MODEL_SERVER_IDLE_TIMEOUT_SECONDS, default 300; 0 = none).")
  Integer idleTimeoutSeconds;

  @Mixin InferenceOptions inference;

  @Option(
      names = "--max-payload-mb",
      description =
          "Larger bodies get 413 (env SAGEMAKER_MAX_PAYLOAD_IN_MB; 0 = no limit; "
              + "unset: 6,553,500 bytes as the toolkit).")
  Integer maxPayloadMb;

  @Option(
      names = "--max-concurrent",
      description =
          "Requests served at once (env SAGEMAKER_MAX_CONCURRENT_TRANSFORMS, else "
              + "SAGEMAKER_MODEL_SERVER_WORKERS, default 16).")
  Integer maxConcurrent;

  @Option(
      names = "--queue-size",
      defaultValue = "100",
      description =
          "Requests that may wait for a free slot; more get 503 (default " + "${DEFAULT-VALUE}).")
  int queueSize;

  @Option(
      names = "--timeout-seconds",
      description =
          "Requests not answered in this time get 500 (env "
              + "SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS, else SAGEMAKER_MODEL_SERVER_TIMEOUT in "
              + "minutes, default 3600).")
  Integer timeoutSeconds;

  @Option(
      names = "--engine-workers",
      defaultValue = "1",
      description =
          "Threads running the model, each with its own predictor (default " + "${DEFAULT-VALUE}).")
  int engineWorkers;

  @Option(
      names = "--max-batch-delay-ms",
      defaultValue = "5",
      description =
          "How long a batch waits for more requests to fill it (default " + "${DEFAULT-VALUE}).")
  int maxBatchDelayMs;

  @Option(
      names = "--dynamic-batching",
      defaultValue = "auto",
      description =
          "true: batch records of concurrent requests together; false: run each request alone, as"
              + " the toolkit does; auto (default): true on a GPU, false on a CPU, where padding"
              + " costs more than batching gains (see docs/serve-and-containers.md, Load).")
  String dynamicBatching;

  @Option(
      names = "--drain-seconds",
      defaultValue = "25",
      description =
          "On SIGTERM, how long to wait for requests in flight (default "
              + "${DEFAULT-VALUE}; SageMaker kills the container 30 s after SIGTERM).")
  int drainSeconds;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    ServeSettings configured = settings(env);
    PrintStream err = System.err;
    String chosen = ModelLocator.fromEnvironment().choose(inference.model());
    ModelSpec spec = inference.spec(chosen);
    err.printf(
        "hubbatch serve: loading %s%n",
        configured.redact(chosen.isEmpty() ? DefaultModel.ID : chosen));
    LoadedModel loaded = LoadedModel.load(spec);
    ServeSettings sized = configured.withLimits(inference.sizing().resolve(loaded));
    ServeSettings settings =
        dynamicBatching.equalsIgnoreCase("auto")
            ? sized.withDynamicBatching(loaded.device().isGpu())
            : sized;
    InferenceServer server = InferenceServer.start(loaded, settings);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  err.println("hubbatch serve: stopping (SIGTERM)");
                  boolean drained = server.drain(settings.drainTimeout());
                  err.println(
                      "hubbatch serve: stopped" + (drained ? "" : ", some requests unanswered"));
                },
                "hubbatch-drain"));
    err.printf(
        "hubbatch serve: %s loaded in %.1f s%n", loaded.describe(), loaded.loadMillis() / 1000.0);
    err.printf(
        "hubbatch serve: listening on %s; %d requests at once, engine batches of up "
            + "to %d sequences and %d padded tokens, %s%n",
        settings.connections().describe(server.port()),
        settings.maxConcurrent(),
        settings.limits().maxItems(),
        settings.limits().maxCost(),
        settings.dynamicBatching()
            ? "records of concurrent requests batched within " + maxBatchDelayMs + " ms"
            : "each request batched alone");
    server.awaitClosed();
    return 0;
  }

  /** The environment's settings with the options given on top. */
  ServeSettings settings(Map<String, String> env) {
    if (!dynamicBatching.matches("(?i)auto|true|false")) {
      throw new ConfigurationException(
          "--dynamic-batching is auto, true or false, got '" + dynamicBatching + "'");
    }
    ServeSettings settings =
        ServeSettings.fromEnvironment(env)
            .withQueueSize(queueSize)
            .withEngineWorkers(engineWorkers)
            .withMaxBatchDelay(Duration.ofMillis(maxBatchDelayMs))
            .withDynamicBatching(!dynamicBatching.equalsIgnoreCase("false"))
            .withDrainTimeout(Duration.ofSeconds(drainSeconds));
    if (port != null) {
      settings = settings.withPort(port);
    }
    if (maxPayloadMb != null) {
      settings = settings.withMaxRequestBytes(ServeSettings.payloadBytes(maxPayloadMb));
    }
    if (maxConcurrent != null) {
      settings = settings.withMaxConcurrent(maxConcurrent);
    }
    if (timeoutSeconds != null) {
      settings = settings.withTimeout(Duration.ofSeconds(timeoutSeconds));
    }
    Connections connections = settings.connections();
    if (bindAddress != null) {
      connections = connections.withBindAddress(bindAddress);
    }
    if (headerTimeoutSeconds != null) {
      connections = connections.withHeaderTimeout(Duration.ofSeconds(headerTimeoutSeconds));
    }
    if (bodyTimeoutSeconds != null) {
      connections = connections.withBodyTimeout(Duration.ofSeconds(bodyTimeoutSeconds));
    }
    if (idleTimeoutSeconds != null) {
      connections = connections.withIdleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
    }
    return settings.withConnections(connections);
  }
}
