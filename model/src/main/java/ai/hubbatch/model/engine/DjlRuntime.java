package ai.hubbatch.model.engine;

/**
 * Process-wide DJL settings that hubbatch relies on. They must be in place before DJL first loads
 * an engine, so every entry point that loads a model calls {@link #configure()} first.
 *
 * <p>Each setting is applied only when neither the system property nor the environment variable of
 * the same name is set, so users and tests can still override it.
 */
public final class DjlRuntime {

  private static volatile boolean configured;

  private DjlRuntime() {}

  /** Applies the defaults once per JVM; later calls do nothing. */
  public static synchronized void configure() {
    if (configured) {
      return;
    }
    // Natives for both engines ship inside the jar: a download attempt is always a bug, and
    // offline mode turns it into an immediate error instead of a hang.
    setDefault("ai.djl.offline", "true");
    // No telemetry call from the tokenizer or engines.
    setDefault("OPT_OUT_TRACKING", "true");
    // TorchScript's profiling executor re-optimises for every new input shape; text batches
    // change shape with every batch, so the optimiser only costs time here.
    setDefault("ai.djl.pytorch.graph_optimizer", "false");
    // ONNX Runtime's libraries load from hubbatch's cache, not from a new /tmp folder per JVM.
    OnnxRuntimeNatives.install();
    configured = true;
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }
}
