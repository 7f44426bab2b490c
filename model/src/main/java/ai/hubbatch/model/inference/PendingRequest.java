package ai.hubbatch.model.inference;

import ai.hubbatch.model.task.Prepared;
import ai.hubbatch.model.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request prepared and waiting for the model, or one that already failed in preparation. Made by
 * {@link BatchPredictor#prepare}; prepared once, never again.
 */
public final class PendingRequest {

  private final Task<?, ?, ?> task;
  private final Prepared<?, ?> prepared;
  private final long cost;
  private final String error;

  private PendingRequest(Task<?, ?, ?> task, Prepared<?, ?> prepared, long cost, String error) {
    this.task = task;
    this.prepared = prepared;
    this.cost = cost;
    this.error = error;
  }

  static <I> PendingRequest prepared(Task<I, ?, ?> task, Prepared<I, ?> prepared) {
    long cost = 0;
    for (I input : prepared.inputs()) {
      cost += task.stage().cost(input);
    }
    return new PendingRequest(task, prepared, cost, null);
  }

  static PendingRequest failed(String error) {
    return new PendingRequest(null, null, 0, error);
  }

  /** Whether preparation failed; such a request never reaches the model. */
  public boolean failed() {
    return error != null;
  }

  String error() {
    return error;
  }

  /** The model inputs; empty when it failed. */
  List<?> inputs() {
    return prepared == null ? List.of() : prepared.inputs();
  }

  /** What this request will cost the model, in its stage's unit (tokens for text); 0 if failed. */
  public long cost() {
    return cost;
  }

  /** Model inputs this request will send; 0 when it failed. */
  public int items() {
    return prepared == null ? 0 : prepared.inputs().size();
  }

  JsonNode respond(List<?> outputs) {
    return respond(task, prepared, outputs);
  }

  @SuppressWarnings("unchecked")
  private static <O, S> JsonNode respond(
      Task<?, O, S> task, Prepared<?, ?> prepared, List<?> outputs) {
    return task.respond(((Prepared<?, S>) prepared).state(), (List<O>) outputs);
  }
}
