package ai.hubbatch.model.stage;

/**
 * Where a {@link StageRunner} hands each input's outcome, by the input's index in the list it was
 * given. Called on the running thread.
 *
 * @param <O> the stage's output
 */
public interface StageResults<O> {

  void deliver(int index, O output);

  void fail(int index, String reason);
}
