package ai.hubbatch.serve;

import ai.hubbatch.model.config.ConfigurationException;
import java.time.Duration;
import java.util.Map;

/**
 * Where {@code hubbatch serve} listens and how long it waits for a client. A connection whose
 * request line and headers are not in within {@code headerTimeout} (of the connection opening, or
 * of the first byte of a later request on a kept-alive connection), or whose body is not in within
 * {@code bodyTimeout} of its headers, gets 408 and is closed; a kept-alive connection with no new
 * request for {@code idleTimeout} is closed. A request being answered is never timed here: {@link
 * ServeSettings#timeout()} applies to it. A zero duration turns that timeout off.
 *
 * @param bindAddress the address to listen on, or null for every interface (SageMaker's need)
 * @param headerTimeout the longest wait for a request's line and headers
 * @param bodyTimeout the longest wait for a request's body, from its headers
 * @param idleTimeout the longest a kept-alive connection may wait for its next request
 */
public record Connections(
    String bindAddress, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout) {

  /** {@code SAGEMAKER_MODEL_SERVER_HEADER_TIMEOUT_SECONDS}'s default. */
  static final int HEADER_SECONDS = 60;

  /** {@code SAGEMAKER_MODEL_SERVER_BODY_TIMEOUT_SECONDS}'s default. */
  static final int BODY_SECONDS = 120;

  /** {@code SAGEMAKER_MODEL_SERVER_IDLE_TIMEOUT_SECONDS}'s default. */
  static final int IDLE_SECONDS = 300;

  public Connections {
    if (headerTimeout.isNegative() || bodyTimeout.isNegative() || idleTimeout.isNegative()) {
      throw new ConfigurationException("Connection timeouts must be 0 (none) or positive");
    }
    bindAddress = bindAddress == null || bindAddress.isBlank() ? null : bindAddress.trim();
  }

  /**
   * From the environment: {@code SAGEMAKER_BIND_TO_ADDRESS} (default every interface), {@code
   * SAGEMAKER_MODEL_SERVER_HEADER_TIMEOUT_SECONDS} (60), {@code
   * SAGEMAKER_MODEL_SERVER_BODY_TIMEOUT_SECONDS} (120) and {@code
   * SAGEMAKER_MODEL_SERVER_IDLE_TIMEOUT_SECONDS} (300).
   */
  static Connections fromEnvironment(Map<String, String> env) {
    return new Connections(
        env.get("SAGEMAKER_BIND_TO_ADDRESS"),
        Duration.ofSeconds(
            ServeSettings.number(
                env, "SAGEMAKER_MODEL_SERVER_HEADER_TIMEOUT_SECONDS", HEADER_SECONDS, 0)),
        Duration.ofSeconds(
            ServeSettings.number(
                env, "SAGEMAKER_MODEL_SERVER_BODY_TIMEOUT_SECONDS", BODY_SECONDS, 0)),
        Duration.ofSeconds(
            ServeSettings.number(
                env, "SAGEMAKER_MODEL_SERVER_IDLE_TIMEOUT_SECONDS", IDLE_SECONDS, 0)));
  }

  public Connections withBindAddress(String value) {
    return new Connections(value, headerTimeout, bodyTimeout, idleTimeout);
  }

  public Connections withHeaderTimeout(Duration value) {
    return new Connections(bindAddress, value, bodyTimeout, idleTimeout);
  }

  public Connections withBodyTimeout(Duration value) {
    return new Connections(bindAddress, headerTimeout, value, idleTimeout);
  }

  public Connections withIdleTimeout(Duration value) {
    return new Connections(bindAddress, headerTimeout, bodyTimeout, value);
  }

  /** Where the server listens, for people. */
  public String describe(int port) {
    return (bindAddress == null ? "all interfaces" : bindAddress) + ", port " + port;
  }
}
