package ai.hubbatch.model.task.generation;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.batch.Notice;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The tiny generation models loaded once per test JVM, and requests run through them. */
final class Generations {

  private static final Map<String, LoadedModel> LOADED = new ConcurrentHashMap<>();

  private Generations() {}

  static LoadedModel model(String name, String task) {
    return LOADED.computeIfAbsent(
        name + " " + task,
        key -> {
          try {
            return TinyModels.load(name, task, "onnxruntime");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** What the listener heard during a run. */
  static final class Heard implements InferenceListener {
    final List<BatchReport> reports = new ArrayList<>();
    final List<Notice> notices = new ArrayList<>();

    @Override
    public void onBatch(BatchReport report) {
      reports.add(report);
    }

    @Override
    public void onNotice(Notice notice) {
      notices.add(notice);
    }
  }

  /** Runs the bodies in one call (so they share batches) under the limits. */
  static List<Outcome> outcomes(
      String name,
      String task,
      BatchLimits limits,
      InferenceListener listener,
      List<String> bodies) {
    try (BatchPredictor predictor = model(name, task).newPredictor(limits, listener)) {
      List<PendingRequest> pending = new ArrayList<>();
      for (String body : bodies) {
        pending.add(predictor.prepare(body));
      }
      return predictor.complete(pending);
    }
  }

  /** The responses of bodies run together; fails on any error. */
  static List<JsonNode> responses(
      String name, String task, BatchLimits limits, List<String> bodies) {
    List<JsonNode> responses = new ArrayList<>();
    for (Outcome outcome : outcomes(name, task, limits, InferenceListener.NONE, bodies)) {
      if (!outcome.isSuccess()) {
        throw new AssertionError(outcome.error());
      }
      responses.add(outcome.response());
    }
    return responses;
  }

  static String body(JsonNode inputs, JsonNode parameters) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("inputs", inputs);
    body.set("parameters", parameters);
    return body.toString();
  }

  static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
