package ai.hubbatch.model.source;

import java.util.Optional;

/**
 * Reads hubbatch's settings: a JVM system property of the variable's name wins over the environment
 * variable, so tests and embedding programs can set them without a new process.
 */
public final class Settings {

  private Settings() {}

  /** The setting's value, or empty when it is unset or blank. */
  public static Optional<String> get(String name) {
    String value = System.getProperty(name, System.getenv(name));
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** Whether a setting says yes, as huggingface_hub reads its flags: 1, ON, YES or TRUE. */
  public static boolean isTrue(String name) {
    return get(name)
        .map(
            v ->
                v.equalsIgnoreCase("1")
                    || v.equalsIgnoreCase("on")
                    || v.equalsIgnoreCase("yes")
                    || v.equalsIgnoreCase("true"))
        .orElse(false);
  }
}
