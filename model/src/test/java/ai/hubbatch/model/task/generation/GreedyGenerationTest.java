package ai.hubbatch.model.task.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Greedy generation on every tiny model and layout, through the task and the batching path, gives
 * transformers.js' pipeline output token for token: repetition penalty, no-repeat n-grams,
 * min_new_tokens and return_full_text included. All cases of a model run in one call, so they share
 * batches.
 */
class GreedyGenerationTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama", "tiny-llama-merged"})
  void decodersMatchTransformersJs(String model) throws Exception {
    JsonNode expected = TinyModels.expected(model);
    List<String> bodies = new ArrayList<>();
    List<JsonNode> outputs = new ArrayList<>();
    for (JsonNode c : expected.get("greedy")) {
      bodies.add(body(c.get("input"), c.get("parameters")));
      outputs.add(c.get("pipeline_output"));
    }
    List<JsonNode> responses =
        TinyModels.run(model, "text-generation", "onnxruntime", bodies.toArray(String[]::new));
    for (int i = 0; i < outputs.size(); i++) {
      assertEquals(
          outputs.get(i), responses.get(i), expected.get("greedy").get(i).get("name").asText());
    }
  }

  static String body(JsonNode inputs, JsonNode parameters) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("inputs", inputs);
    body.set("parameters", parameters);
    return body.toString();
  }
}
