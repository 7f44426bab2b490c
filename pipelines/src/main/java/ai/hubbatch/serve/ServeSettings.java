package ai.hubbatch.serve;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.config.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How {@code hubbatch serve} runs: its port, limits, concurrency and batching. Read from the
 * variables SageMaker and the Hugging Face toolkit use ({@link #fromEnvironment}); the command line
 * overrides them with the {@code withX()} copies.
 *
 * @param port the HTTP port
 * @param maxRequestBytes larger request bodies get 413
 * @param maxConcurrent requests served at once; more wait in the queue
 * @param queueSize requests that may wait for a free slot; more get 503
 * @param engineWorkers threads running the model, each with its own predictor
 * @param timeout a request not answered in this time gets 500
 * @param limits the engine batch limits, as in {@code run}
 * @param maxBatchDelay how long an engine worker waits for more requests to fill a batch
 * @param dynamicBatching whether records of concurrent requests share engine batches; without it
 *     each request runs alone, as in the toolkit
 * @param drainTimeout how long SIGTERM waits for requests in flight
 * @param connections the address to listen on and the timeouts on slow or idle clients
 * @param secrets values never to show in a response or a log line (tokens)
 */
public record ServeSettings(
    int port,
    int maxRequestBytes,
    int maxConcurrent,
    int queueSize,
    int engineWorkers,
    Duration timeout,
    BatchLimits limits,
    Duration maxBatchDelay,
    boolean dynamicBatching,
    Duration drainTimeout,
    Connections connections,
    List<String> secrets) {

  /** The request size limit of the toolkit's model server (MMS) when none is configured. */
  public static final int TOOLKIT_MAX_REQUEST_BYTES = 6_553_500;

  /** SageMaker's limit on MaxConcurrentTransforms x MaxPayloadInMB. */
  static final int SAGEMAKER_CONCURRENT_PAYLOAD_MB = 100;

  /** Variables whose values are credentials. */
  static final List<String> SECRET_VARIABLES =
      List.of(
          "HF_API_TOKEN",
          "HF_TOKEN",
          "HUGGING_FACE_HUB_TOKEN",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN");

  public ServeSettings {
    if (port < 0 || port > 65535) {
      throw new ConfigurationException("The port must be 0 to 65535, got " + port);
    }
    if (maxRequestBytes < 1 || maxConcurrent < 1 || queueSize < 0 || engineWorkers < 1) {
      throw new ConfigurationException(
          "Payload limit, concurrency and engine workers must be "
              + "at least 1 and the queue size at least 0");
    }
    if (timeout.isNegative()
        || timeout.isZero()
        || maxBatchDelay.isNegative()
        || drainTimeout.isNegative()) {
      throw new ConfigurationException("Timeouts must be positive and delays not negative");
    }
    secrets = List.copyOf(secrets);
  }

  /**
   * Settings from environment variables, with the toolkit's defaults where one is unset:
   *
   * <ul>
   *   <li>{@code SAGEMAKER_BIND_TO_PORT}: the port, default 8080;
   *   <li>{@code SAGEMAKER_MAX_PAYLOAD_IN_MB}: the request limit in MiB, 0 for none; unset, the
   *       model server's 6,553,500 bytes;
   *   <li>{@code SAGEMAKER_MAX_CONCURRENT_TRANSFORMS}, else {@code SAGEMAKER_MODEL_SERVER_WORKERS}:
   *       requests served at once, default 16;
   *   <li>{@code SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS}, else {@code
   *       SAGEMAKER_MODEL_SERVER_TIMEOUT} read as minutes, as the toolkit's model server reads it;
   *       default 60 minutes;
   *   <li>the bind address and the connection timeouts ({@link Connections#fromEnvironment});
   *   <li>the values of {@link #SECRET_VARIABLES}, to redact.
   * </ul>
   *
   * @throws IllegalArgumentException naming the variable when a value is not a number in range
   */
  public static ServeSettings fromEnvironment(Map<String, String> env) {
    int port = number(env, "SAGEMAKER_BIND_TO_PORT", 8080, 0);
    int payloadMb = number(env, "SAGEMAKER_MAX_PAYLOAD_IN_MB", -1, 0);
    int maxRequestBytes = payloadMb < 0 ? TOOLKIT_MAX_REQUEST_BYTES : payloadBytes(payloadMb);
    int concurrent =
        number(
            env,
            "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS",
            number(env, "SAGEMAKER_MODEL_SERVER_WORKERS", 16, 1),
            1);
    int timeoutSeconds =
        number(
            env,
            "SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS",
            60 * number(env, "SAGEMAKER_MODEL_SERVER_TIMEOUT", 60, 1),
            1);
    List<String> secrets = new ArrayList<>();
    for (String name : SECRET_VARIABLES) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        secrets.add(value.trim());
      }
    }
    return new ServeSettings(
        port,
        maxRequestBytes,
        concurrent,
        100,
        1,
        Duration.ofSeconds(timeoutSeconds),
        new BatchLimits(32, 8192),
        Duration.ofMillis(5),
        true,
        Duration.ofSeconds(25),
        Connections.fromEnvironment(env),
        secrets);
  }

  /** A MaxPayloadInMB as a byte limit: MiB, with 0 for no limit as SageMaker means it. */
  public static int payloadBytes(int megabytes) {
    return megabytes == 0
        ? Integer.MAX_VALUE
        : (int) Math.min(Integer.MAX_VALUE, megabytes * (1L << 20));
  }

  static int number(Map<String, String> env, String name, int fallback, int minimum) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed >= minimum) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException(
        name + " must be a whole number of at least " + minimum + ", got '" + value + "'");
  }

  /**
   * What {@code GET /execution-parameters} offers SageMaker: MULTI_RECORD, the payload limit, and
   * as many concurrent requests as are served at once, within SageMaker's limit of 100 MB over all
   * of them.
   */
  public String executionParameters() {
    int payloadMb =
        maxRequestBytes == Integer.MAX_VALUE ? 0 : Math.max(1, maxRequestBytes / (1 << 20));
    int concurrent =
        payloadMb == 0
            ? maxConcurrent
            : Math.max(1, Math.min(maxConcurrent, SAGEMAKER_CONCURRENT_PAYLOAD_MB / payloadMb));
    return "{\"MaxConcurrentTransforms\":"
        + concurrent
        + ",\"BatchStrategy\":\"MULTI_RECORD\",\"MaxPayloadInMB\":"
        + payloadMb
        + "}";
  }

  public ServeSettings withPort(int value) {
    return new ServeSettings(
        value,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        engineWorkers,
        timeout,
        limits,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withMaxRequestBytes(int value) {
    return new ServeSettings(
        port,
        value,
        maxConcurrent,
        queueSize,
        engineWorkers,
        timeout,
        limits,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withMaxConcurrent(int value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        value,
        queueSize,
        engineWorkers,
        timeout,
        limits,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withQueueSize(int value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        value,
        engineWorkers,
        timeout,
        limits,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withEngineWorkers(int value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        value,
        timeout,
        limits,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withTimeout(Duration value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        engineWorkers,
        value,
        limits,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withLimits(BatchLimits value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        engineWorkers,
        timeout,
        value,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withMaxBatchDelay(Duration value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        engineWorkers,
        timeout,
        limits,
        value,
        dynamicBatching,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withDynamicBatching(boolean value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        engineWorkers,
        timeout,
        limits,
        maxBatchDelay,
        value,
        drainTimeout,
        connections,
        secrets);
  }

  public ServeSettings withDrainTimeout(Duration value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        engineWorkers,
        timeout,
        limits,
        maxBatchDelay,
        dynamicBatching,
        value,
        connections,
        secrets);
  }

  public ServeSettings withConnections(Connections value) {
    return new ServeSettings(
        port,
        maxRequestBytes,
        maxConcurrent,
        queueSize,
        engineWorkers,
        timeout,
        limits,
        maxBatchDelay,
        dynamicBatching,
        drainTimeout,
        value,
        secrets);
  }

  /** {@code text} with every secret replaced by {@code ***}. */
  public String redact(String text) {
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, "***");
    }
    return result;
  }
}
