package ai.hubbatch.model.batch;

/**
 * Hears about every engine call, to feed metrics, and about notices on inputs. Called on the
 * predicting thread; must be quick and must not throw.
 */
@FunctionalInterface
public interface InferenceListener {

  InferenceListener NONE = report -> {};

  void onBatch(BatchReport report);

  /** An input's notice (its answer still comes); ignored unless the listener counts them. */
  default void onNotice(Notice notice) {}
}
