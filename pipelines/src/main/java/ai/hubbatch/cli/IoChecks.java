package ai.hubbatch.cli;

import ai.hubbatch.model.config.ConfigurationException;
import java.util.concurrent.Callable;

/**
 * The io module checks what the user gave (paths, formats, S3 settings) and explains storage
 * failures ({@link ai.hubbatch.io.StorageErrors}) with {@link IllegalArgumentException}: it does
 * not depend on the model module, where {@link ConfigurationException} is. The CLI passed those
 * values, so around its calls into io it says what such an error is: configuration, exit 2.
 * Elsewhere an {@code IllegalArgumentException} stays a bug.
 */
final class IoChecks {

  private IoChecks() {}

  /** Runs a call into io, its {@code IllegalArgumentException} a configuration error. */
  static <T> T given(Callable<T> call) throws Exception {
    try {
      return call.call();
    } catch (IllegalArgumentException e) {
      throw configuration(e);
    }
  }

  /** The error as a configuration error, with its message. */
  static ConfigurationException configuration(IllegalArgumentException e) {
    return e instanceof ConfigurationException c
        ? c
        : new ConfigurationException(e.getMessage(), e);
  }
}
