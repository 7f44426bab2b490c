package ai.hubbatch.model.config;

/**
 * A mistake in what the user configured: an option or environment value, a task name, a model that
 * does not fit its task, a model's code that cannot be loaded. The message says what is wrong and
 * what to change; commands exit 2 on it, having run nothing (or, found on a worker, with the job
 * stopped), and print no stack trace.
 *
 * <p>It is an {@link IllegalArgumentException}, so contracts that promise one stay true; the
 * reverse does not hold: an {@code IllegalArgumentException} that is not one of these is a bug,
 * reported as a failed job.
 */
public class ConfigurationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
