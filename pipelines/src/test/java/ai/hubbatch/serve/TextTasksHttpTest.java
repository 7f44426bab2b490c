package ai.hubbatch.serve;

import static ai.hubbatch.serve.ServeFixture.invoke;
import static ai.hubbatch.serve.ServeFixture.json;
import static ai.hubbatch.serve.ServeFixture.maxDifference;
import static ai.hubbatch.serve.ServeFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.SharedModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spec's wire vectors F1 to F3 over real HTTP, on servers running the tiny text-classification
 * and question-answering models: each response has the toolkit's shape and holds what the task
 * gives for the same input through {@link BatchPredictor} directly.
 */
class TextTasksHttpTest {

  private static LoadedModel sentiment;
  private static LoadedModel qa;
  private static InferenceServer sentimentServer;
  private static InferenceServer qaServer;

  @BeforeAll
  static void start() throws Exception {
    sentiment = tiny("tiny-bert-sentiment", "text-classification");
    qa = tiny("tiny-bert-qa", "question-answering");
    sentimentServer = ServeFixture.start(sentiment, ServeFixture.settings());
    qaServer = ServeFixture.start(qa, ServeFixture.settings());
  }

  @AfterAll
  static void stop() {
    sentimentServer.close();
    qaServer.close();
  }

  private static LoadedModel tiny(String name, String task) {
    return SharedModels.get(
        new ModelSpec(TinyModels.folder(name).toString(), task, null, EngineSettings.defaults()));
  }

  /** What the task answers for a request body, through a predictor of its own. */
  private static JsonNode direct(LoadedModel model, String body) {
    try (BatchPredictor predictor =
        model.newPredictor(new BatchLimits(32, 8192), InferenceListener.NONE)) {
      Outcome outcome = predictor.complete(List.of(predictor.prepare(body))).get(0);
      assertTrue(outcome.isSuccess(), outcome::error);
      return outcome.response();
    }
  }

  private static List<String> keys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void f1OneStringAnswersAListOfOneLabelAndScore() throws Exception {
    String body = "{\"inputs\":\"I love you. I like you\"}";
    HttpResponse<byte[]> response =
        invoke(sentimentServer, "application/json", "application/json", body);
    assertEquals(200, response.statusCode(), text(response));
    assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
    JsonNode answer = json(response);
    assertEquals(1, answer.size(), text(response));
    assertEquals(List.of("label", "score"), keys(answer.get(0)));
    JsonNode expected = direct(sentiment, body).get(0);
    assertEquals(expected.get("label").asText(), answer.get(0).get("label").asText());
    assertEquals(expected.get("score").doubleValue(), answer.get(0).get("score").doubleValue());
    assertTrue(List.of("POSITIVE", "NEGATIVE").contains(answer.get(0).get("label").asText()));
    assertEquals(Json.write(direct(sentiment, body)), text(response), "byte for byte");
  }

  @Test
  void f2AListAnswersOneDictPerInput() throws Exception {
    String body = "{\"inputs\":[\"I love you\",\"I hate you\"]}";
    HttpResponse<byte[]> response = invoke(sentimentServer, "application/json", null, body);
    assertEquals(200, response.statusCode(), text(response));
    JsonNode answer = json(response);
    JsonNode expected = direct(sentiment, body);
    assertEquals(2, answer.size(), text(response));
    for (int i = 0; i < 2; i++) {
      assertTrue(answer.get(i).isObject(), "one dict per input, not a list: " + answer);
      assertEquals(List.of("label", "score"), keys(answer.get(i)));
      assertEquals(expected.get(i).get("label").asText(), answer.get(i).get("label").asText());
      assertEquals(
          expected.get(i).get("score").doubleValue(), answer.get(i).get("score").doubleValue());
    }
  }

  @Test
  void topKOverHttpMatchesTransformersJs() throws Exception {
    JsonNode pipeline = TinyModels.expected("tiny-bert-sentiment").get("pipeline");
    ObjectNode request = Json.MAPPER.createObjectNode();
    request.set("inputs", pipeline.get("inputs"));
    request.set("parameters", pipeline.get("options"));
    HttpResponse<byte[]> response =
        invoke(sentimentServer, "application/json", null, request.toString());
    assertEquals(200, response.statusCode(), text(response));
    JsonNode answer = json(response);
    assertEquals(
        pipeline.get("output").get(0).get(0).get("label"), answer.get(0).get(0).get("label"));
    assertTrue(maxDifference(pipeline.get("output"), answer) < 1e-4, answer.toString());
  }

  @Test
  void f3CsvQuestionAnsweringAnswersCsvWithTheResultsKeysAsHeader() throws Exception {
    HttpResponse<byte[]> response =
        invoke(
            qaServer,
            "text/csv",
            "text/csv",
            "question,context\r\nwhere do i live?,My name is Philipp and I live in Nuremberg\r\n");
    assertEquals(200, response.statusCode(), text(response));
    assertEquals("text/csv", response.headers().firstValue("content-type").orElseThrow());
    JsonNode expected =
        direct(
            qa,
            "{\"inputs\":[{\"question\":\"where do i live?\","
                + "\"context\":\"My name is Philipp and I live in Nuremberg\"}]}");
    JsonNode result = expected.isArray() ? expected.get(0) : expected;
    String[] lines = text(response).split("\r\n", -1);
    assertEquals(3, lines.length, "header, one row, and the last line's end: " + text(response));
    assertEquals("", lines[2]);
    // The transformers pipeline's key order, which the toolkit's csv.DictWriter keeps.
    assertEquals(List.of("score", "start", "end", "answer"), keys(result));
    assertEquals(String.join(",", keys(result)), lines[0]);
    String[] row = lines[1].split(",", -1);
    assertEquals(4, row.length, lines[1]);
    assertEquals(result.get("score").doubleValue(), Double.parseDouble(row[0]));
    assertEquals(result.get("start").asText(), row[1]);
    assertEquals(result.get("end").asText(), row[2]);
    assertEquals(result.get("answer").asText(), row[3]);
    String context = "My name is Philipp and I live in Nuremberg";
    assertEquals(
        context.substring(result.get("start").asInt(), result.get("end").asInt()),
        row[3],
        "the answer is the context between start and end");
  }
}
