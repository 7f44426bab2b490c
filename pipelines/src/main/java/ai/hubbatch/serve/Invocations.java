package ai.hubbatch.serve;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import ai.hubbatch.serve.RequestDecoder.BodyRecord;
import ai.hubbatch.serve.RequestDecoder.DecodedBody;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Answers one {@code POST /invocations} on a request thread: decode the body, tokenize its records
 * with the thread's own predictor, wait for the {@link DynamicBatcher}, encode.
 *
 * <p>A plain request is answered as the toolkit answers it: the encoded response, or a 400 with the
 * reason. A MultiRecord or JSON Lines body is answered 200 with one line per record, joined by
 * {@code \n} with none after the last (SageMaker's {@code AssembleWith=Line} adds it); a record
 * that failed gets {@code {"error": <reason>, "line": <line in the body>}} on its line, so one bad
 * record neither fails its neighbours nor shifts them.
 */
final class Invocations {

  private final String task;
  private final DynamicBatcher batcher;
  private final ServeSettings settings;

  Invocations(String task, DynamicBatcher batcher, ServeSettings settings) {
    this.task = task;
    this.batcher = batcher;
    this.settings = settings;
  }

  /**
   * Answers a request; never throws.
   *
   * @param contentType the Content-Type header or null
   * @param accept the Accept header or null
   */
  HttpAnswer answer(BatchPredictor predictor, String contentType, String accept, byte[] body) {
    try {
      return predict(predictor, contentType, accept, body);
    } catch (ServeException e) {
      return HttpAnswer.error(e, settings);
    }
  }

  private HttpAnswer predict(
      BatchPredictor predictor, String contentType, String accept, byte[] body) {
    DecodedBody decoded = RequestDecoder.decode(contentType, body, task);
    List<PendingRequest> pending = new ArrayList<>(decoded.records().size());
    for (BodyRecord record : decoded.records()) {
      pending.add(record.prepare(predictor));
    }
    if (!decoded.multiRecord() && pending.get(0).failed()) {
      // The request's own mistake, reported before anything about Accept as the toolkit does.
      // complete() answers a failed request without the engine, so this thread can do it.
      throw ServeException.badRequest(predictor.complete(pending).get(0).error());
    }
    ResponseEncoder encoder = ResponseEncoder.forAccept(accept);
    if (decoded.multiRecord() && encoder.csv()) {
      throw ServeException.badRequest(
          "text/csv responses hold one request's rows; a JSON Lines "
              + "body gets one JSON line per record: ask for application/json or "
              + "application/jsonlines");
    }
    List<Outcome> outcomes = await(batcher.submit(pending));
    if (!decoded.multiRecord()) {
      Outcome outcome = outcomes.get(0);
      if (!outcome.isSuccess()) {
        throw ServeException.badRequest(outcome.error());
      }
      return HttpAnswer.ok(encoder.contentType(), encoder.encode(outcome.response()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < outcomes.size(); i++) {
      if (i > 0) {
        out.write('\n');
      }
      out.writeBytes(line(encoder, decoded.records().get(i), outcomes.get(i)));
    }
    return HttpAnswer.ok(encoder.contentType(), out.toByteArray());
  }

  private byte[] line(ResponseEncoder encoder, BodyRecord record, Outcome outcome) {
    String error;
    if (outcome.isSuccess()) {
      try {
        return encoder.encode(outcome.response());
      } catch (ServeException e) {
        error = e.getMessage();
      }
    } else {
      error = outcome.error();
    }
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("error", settings.redact(error));
    line.put("line", record.line());
    return Json.write(line).getBytes(StandardCharsets.UTF_8);
  }

  private List<Outcome> await(CompletableFuture<List<Outcome>> outcomes) {
    try {
      return outcomes.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Withdraws the records if they still wait for the engine.
      outcomes.completeExceptionally(e);
      throw new ServeException(
          500,
          ServeException.PREDICTION,
          "The model did not answer within "
              + settings.timeout().toSeconds()
              + " s (SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS)");
    } catch (ExecutionException e) {
      throw new ServeException(
          500, ServeException.PREDICTION, "The engine failed: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServeException(503, "ServiceUnavailableException", "The server is shutting down");
    }
  }
}
