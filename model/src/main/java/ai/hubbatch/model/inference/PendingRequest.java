package ai.hubbatch.model.inference;

import ai.hubbatch.model.task.Prepared;
import ai.hubbatch.model.task.SequenceOutput;
import ai.hubbatch.model.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request tokenized and waiting for the model, or one that already failed in preparation. Made by
 * {@link BatchPredictor#prepare}; tokenized once, never again.
 */
public final class PendingRequest {

  private final Task<?> task;
  private final Prepared<?> prepared;
  private final String error;

  private PendingRequest(Task<?> task, Prepared<?> prepared, String error) {
    this.task = task;
    this.prepared = prepared;
    this.error = error;
  }

  static PendingRequest prepared(Task<?> task, Prepared<?> prepared) {
    return new PendingRequest(task, prepared, null);
  }

  static PendingRequest failed(String error) {
    return new PendingRequest(null, null, error);
  }

  /** Whether preparation failed; such a request never reaches the model. */
  public boolean failed() {
    return error != null;
  }

  String error() {
    return error;
  }

  Prepared<?> prepared() {
    return prepared;
  }

  /** Real tokens this request will send to the model; 0 when it failed. */
  public int tokens() {
    return prepared == null ? 0 : prepared.tokens();
  }

  /** Sequences this request will send to the model; 0 when it failed. */
  public int sequences() {
    return prepared == null ? 0 : prepared.sequences().size();
  }

  JsonNode respond(List<SequenceOutput> outputs) {
    return respond(task, prepared, outputs);
  }

  @SuppressWarnings("unchecked")
  private static <S> JsonNode respond(
      Task<S> task, Prepared<?> prepared, List<SequenceOutput> outputs) {
    return task.respond(((Prepared<S>) prepared).state(), outputs);
  }
}
