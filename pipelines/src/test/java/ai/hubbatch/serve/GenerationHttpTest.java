package ai.hubbatch.serve;

import static ai.hubbatch.serve.ServeFixture.invoke;
import static ai.hubbatch.serve.ServeFixture.json;
import static ai.hubbatch.serve.ServeFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.SharedModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * text-generation over {@code /invocations} on the tiny Llama-style model: concurrent requests
 * (which dynamic batching decodes together) each get transformers.js' pipeline output, chat
 * included, and a bad request gets the toolkit's 400 naming the problem.
 */
class GenerationHttpTest {

  private static InferenceServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        ServeFixture.start(
            SharedModels.get(
                new ModelSpec(
                    TinyModels.folder("tiny-llama").toString(),
                    "text-generation",
                    null,
                    EngineSettings.defaults())),
            ServeFixture.settings());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void concurrentRequestsGetThePipelinesOutputs() throws Exception {
    JsonNode expected = TinyModels.expected("tiny-llama");
    List<String> bodies = new ArrayList<>();
    List<JsonNode> outputs = new ArrayList<>();
    for (JsonNode c : expected.get("greedy")) {
      bodies.add(body(c.get("input"), c.get("parameters")));
      outputs.add(c.get("pipeline_output"));
    }
    for (JsonNode c : expected.get("chat")) {
      bodies.add(body(c.get("messages"), c.get("parameters")));
      outputs.add(c.get("pipeline_output"));
    }
    List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
    for (String body : bodies) {
      responses.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return invoke(server, "application/json", "application/json", body);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (int i = 0; i < bodies.size(); i++) {
      HttpResponse<byte[]> response = responses.get(i).get();
      assertEquals(200, response.statusCode(), text(response));
      assertEquals(outputs.get(i), json(response), bodies.get(i));
    }
  }

  @Test
  void aBadRequestIsA400NamingTheProblem() throws Exception {
    HttpResponse<byte[]> response =
        invoke(
            server,
            "application/json",
            "application/json",
            "{\"inputs\": \"Hi\", \"parameters\": {\"num_return_sequences\": 3}}");
    assertEquals(400, response.statusCode(), text(response));
    assertTrue(text(response).contains("num_return_sequences"), text(response));
  }

  private static String body(JsonNode inputs, JsonNode parameters) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("inputs", inputs);
    body.set("parameters", parameters);
    return body.toString();
  }
}
