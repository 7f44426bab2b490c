package ai.hubbatch.model.engine;

/** The engine failed on a batch; the batch, not the model, may be at fault. */
public final class EngineException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  EngineException(Throwable cause) {
    super(rootMessage(cause), cause);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return "Engine failed: " + (message == null ? root.getClass().getSimpleName() : message);
  }
}
