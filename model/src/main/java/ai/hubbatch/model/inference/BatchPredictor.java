package ai.hubbatch.model.inference;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.stage.StageResults;
import ai.hubbatch.model.stage.StageRunner;
import ai.hubbatch.model.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs many requests through the model together: each request is prepared once ({@link #prepare}),
 * then the inputs of all pending requests go to the task's stage in one call ({@link #complete}),
 * which batches them across requests (by length for text).
 *
 * <p>A bad request never fails its neighbours: preparation errors stay with their request, and an
 * input the engine cannot take fails only its own request.
 *
 * <p>Not thread-safe: one per thread, like the stage runner it holds.
 */
public final class BatchPredictor implements AutoCloseable {

  private final Task<?, ?, ?> task;
  private final StageRunner<Object, Object> runner;

  BatchPredictor(Task<?, ?, ?> task, StageRunner<Object, Object> runner) {
    this.task = task;
    this.runner = runner;
  }

  /** Parses and prepares one request body; never throws, a bad body gives a failed request. */
  public PendingRequest prepare(String body) {
    try {
      return prepare(InferenceRequest.parse(body));
    } catch (InvalidRequestException e) {
      return PendingRequest.failed(e.getMessage());
    }
  }

  /** Prepares one parsed request; never throws. */
  public PendingRequest prepare(InferenceRequest request) {
    try {
      return prepare(task, request);
    } catch (InvalidRequestException e) {
      return PendingRequest.failed(e.getMessage());
    } catch (RuntimeException e) {
      return PendingRequest.failed(internalError(e));
    }
  }

  private static <I> PendingRequest prepare(Task<I, ?, ?> task, InferenceRequest request) {
    return PendingRequest.prepared(task, task.prepare(request));
  }

  /**
   * Runs every pending request's inputs and answers each request.
   *
   * @return one outcome per request, in the order given
   */
  public List<Outcome> complete(List<PendingRequest> requests) {
    Work work = new Work(requests);
    runner.run(work.inputs, work);
    return work.outcomes();
  }

  static String internalError(RuntimeException e) {
    return "Internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  @Override
  public void close() {
    runner.close();
  }

  /**
   * The inputs of one {@link #complete} call and their owners' progress. A request is answered as
   * soon as its last input is back, so outputs are not held longer than needed.
   */
  private static final class Work implements StageResults<Object> {
    private final List<PendingRequest> requests;
    private final List<Object> inputs = new ArrayList<>();
    private final List<int[]> owners = new ArrayList<>(); // {request, position in request}
    private final Object[][] delivered;
    private final int[] missing;
    private final Outcome[] outcomes;

    Work(List<PendingRequest> requests) {
      this.requests = requests;
      this.delivered = new Object[requests.size()][];
      this.missing = new int[requests.size()];
      this.outcomes = new Outcome[requests.size()];
      for (int r = 0; r < requests.size(); r++) {
        PendingRequest request = requests.get(r);
        if (request.failed()) {
          outcomes[r] = Outcome.failure(request.error());
          continue;
        }
        List<?> own = request.inputs();
        delivered[r] = new Object[own.size()];
        missing[r] = own.size();
        for (int s = 0; s < own.size(); s++) {
          inputs.add(own.get(s));
          owners.add(new int[] {r, s});
        }
        if (own.isEmpty()) {
          answer(r);
        }
      }
    }

    @Override
    public void deliver(int index, Object output) {
      int[] owner = owners.get(index);
      int r = owner[0];
      if (outcomes[r] != null) {
        return; // already failed on another of its inputs
      }
      delivered[r][owner[1]] = output;
      if (--missing[r] == 0) {
        answer(r);
      }
    }

    @Override
    public void fail(int index, String reason) {
      int r = owners.get(index)[0];
      if (outcomes[r] == null) {
        outcomes[r] = Outcome.failure(reason);
        delivered[r] = null;
      }
    }

    private void answer(int r) {
      try {
        JsonNode response = requests.get(r).respond(Arrays.asList(delivered[r]));
        outcomes[r] = Outcome.success(response);
      } catch (InvalidRequestException e) {
        outcomes[r] = Outcome.failure(e.getMessage());
      } catch (RuntimeException e) {
        outcomes[r] = Outcome.failure(internalError(e));
      }
      delivered[r] = null;
    }

    List<Outcome> outcomes() {
      for (int r = 0; r < outcomes.length; r++) {
        if (outcomes[r] == null) {
          // A stage must answer every input; one that did not is a bug, reported per request.
          outcomes[r] = Outcome.failure("Internal error: the model gave no output");
        }
      }
      return Arrays.asList(outcomes);
    }
  }
}
