package ai.hubbatch.model.batch;

/**
 * Hears about every engine call, to feed metrics. Called on the predicting thread; must be quick
 * and must not throw.
 */
@FunctionalInterface
public interface InferenceListener {

  InferenceListener NONE = report -> {};

  void onBatch(BatchReport report);
}
