package ai.hubbatch.model.inference;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchPlanner;
import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.engine.EncoderSession;
import ai.hubbatch.model.engine.EngineException;
import ai.hubbatch.model.engine.Tensor;
import ai.hubbatch.model.engine.TokenBatch;
import ai.hubbatch.model.task.SequenceOutput;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs many requests through the model together: each request is tokenized once ({@link #prepare}),
 * then the sequences of all pending requests are sorted by length and cut into token-budget batches
 * ({@link #complete}).
 *
 * <p>A bad request never fails its neighbours: preparation errors stay with their request, and when
 * the engine fails on a batch the batch is split in halves and retried until the failing sequence
 * is alone, so only its request fails.
 *
 * <p>Not thread-safe: one per thread, like the engine session it holds.
 */
public final class BatchPredictor implements AutoCloseable {

  private final Task<?> task;
  private final long padId;
  private final EncoderSession session;
  private final BatchLimits limits;
  private final InferenceListener listener;

  BatchPredictor(
      Task<?> task,
      long padId,
      EncoderSession session,
      BatchLimits limits,
      InferenceListener listener) {
    this.task = task;
    this.padId = padId;
    this.session = session;
    this.limits = limits;
    this.listener = listener;
  }

  /** Parses and tokenizes one request body; never throws, a bad body gives a failed request. */
  public PendingRequest prepare(String body) {
    try {
      return prepare(InferenceRequest.parse(body));
    } catch (InvalidRequestException e) {
      return PendingRequest.failed(e.getMessage());
    }
  }

  /** Tokenizes one parsed request; never throws. */
  public PendingRequest prepare(InferenceRequest request) {
    try {
      return PendingRequest.prepared(task, task.prepare(request));
    } catch (InvalidRequestException e) {
      return PendingRequest.failed(e.getMessage());
    } catch (RuntimeException e) {
      return PendingRequest.failed(internalError(e));
    }
  }

  /**
   * Runs every pending request's sequences and answers each request.
   *
   * @return one outcome per request, in the order given
   */
  public List<Outcome> complete(List<PendingRequest> requests) {
    Work work = new Work(requests);
    for (int[] batch : BatchPlanner.plan(work.lengths(), limits)) {
      run(work, batch);
    }
    return work.outcomes();
  }

  private void run(Work work, int[] batch) {
    List<long[]> ids = new ArrayList<>(batch.length);
    List<long[]> types = new ArrayList<>(batch.length);
    for (int index : batch) {
      TokenizedText text = work.sequence(index);
      ids.add(text.ids());
      types.add(text.typeIds());
    }
    TokenBatch tokens = TokenBatch.pad(ids, types, padId);
    long start = System.nanoTime();
    List<Tensor> outputs;
    try {
      outputs = session.run(tokens);
    } catch (EngineException e) {
      listener.onBatch(report(tokens, start, true));
      if (batch.length == 1) {
        work.fail(batch[0], e.getMessage());
        return;
      }
      // Split to find the sequence the engine cannot take; the others still get answers.
      int half = batch.length / 2;
      run(work, Arrays.copyOfRange(batch, 0, half));
      run(work, Arrays.copyOfRange(batch, half, batch.length));
      return;
    }
    listener.onBatch(report(tokens, start, false));
    for (int row = 0; row < batch.length; row++) {
      int index = batch[row];
      work.deliver(index, new SequenceOutput(outputs, row, work.sequence(index).length()));
    }
  }

  private static BatchReport report(TokenBatch tokens, long start, boolean failed) {
    return new BatchReport(
        tokens.size(),
        tokens.realTokens(),
        tokens.paddedTokens(),
        System.nanoTime() - start,
        failed);
  }

  static String internalError(RuntimeException e) {
    return "Internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  @Override
  public void close() {
    session.close();
  }

  /**
   * The sequences of one {@link #complete} call and their owners' progress. A request is answered
   * as soon as its last sequence is back, so batch outputs are not held longer than needed.
   */
  private static final class Work {
    private final List<PendingRequest> requests;
    private final List<TokenizedText> sequences = new ArrayList<>();
    private final List<int[]> owners = new ArrayList<>(); // {request, position in request}
    private final SequenceOutput[][] delivered;
    private final int[] missing;
    private final Outcome[] outcomes;

    Work(List<PendingRequest> requests) {
      this.requests = requests;
      this.delivered = new SequenceOutput[requests.size()][];
      this.missing = new int[requests.size()];
      this.outcomes = new Outcome[requests.size()];
      for (int r = 0; r < requests.size(); r++) {
        PendingRequest request = requests.get(r);
        if (request.failed()) {
          outcomes[r] = Outcome.failure(request.error());
          continue;
        }
        List<TokenizedText> own = request.prepared().sequences();
        delivered[r] = new SequenceOutput[own.size()];
        missing[r] = own.size();
        for (int s = 0; s < own.size(); s++) {
          sequences.add(own.get(s));
          owners.add(new int[] {r, s});
        }
        if (own.isEmpty()) {
          answer(r);
        }
      }
    }

    int[] lengths() {
      int[] lengths = new int[sequences.size()];
      for (int i = 0; i < lengths.length; i++) {
        lengths[i] = sequences.get(i).length();
      }
      return lengths;
    }

    TokenizedText sequence(int index) {
      return sequences.get(index);
    }

    void deliver(int index, SequenceOutput output) {
      int[] owner = owners.get(index);
      int r = owner[0];
      if (outcomes[r] != null) {
        return; // already failed on another of its sequences
      }
      delivered[r][owner[1]] = output;
      if (--missing[r] == 0) {
        answer(r);
      }
    }

    void fail(int index, String reason) {
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
      return Arrays.asList(outcomes);
    }
  }
}
