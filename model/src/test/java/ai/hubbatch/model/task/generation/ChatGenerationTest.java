package ai.hubbatch.model.task.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conversations rendered with the model's chat template and answered as transformers' pipeline
 * answers them: transformers.js' outputs on the Llama-style model (both layouts), a list of
 * conversations as a batch, and the template's own refusal as the record's error.
 */
class ChatGenerationTest {

  private static final BatchLimits LIMITS = new BatchLimits(4, 4096);

  @ParameterizedTest
  @ValueSource(strings = {"tiny-llama", "tiny-llama-merged"})
  void conversationsAsTransformersJs(String model) {
    JsonNode expected = TinyModels.expected(model);
    List<String> bodies = new ArrayList<>();
    ArrayNode all = Json.MAPPER.createArrayNode();
    ArrayNode outputs = Json.MAPPER.createArrayNode();
    for (JsonNode c : expected.get("chat")) {
      bodies.add(Generations.body(c.get("messages"), c.get("parameters")));
      all.add(c.get("messages"));
      outputs.add(c.get("pipeline_output"));
    }
    // every conversation of the file as one request: a batch of conversations
    bodies.add(Generations.body(all, expected.get("chat").get(0).get("parameters")));
    List<JsonNode> responses = Generations.responses(model, "text-generation", LIMITS, bodies);
    for (int i = 0; i < outputs.size(); i++) {
      assertEquals(
          outputs.get(i), responses.get(i), expected.get("chat").get(i).get("name").asText());
    }
    assertEquals(outputs, responses.get(outputs.size()));
  }

  @Test
  void theTemplatesRefusalIsTheRecordsError() {
    JsonNode error = TinyModels.expected("tiny-llama").get("chat_error");
    List<Outcome> outcomes =
        Generations.outcomes(
            "tiny-llama",
            "text-generation",
            LIMITS,
            InferenceListener.NONE,
            List.of(
                Generations.body(error.get("messages"), Generations.json("{\"max_new_tokens\":2}")),
                Generations.body(
                    Generations.json("\"Hello\""), Generations.json("{\"max_new_tokens\":2}"))));
    assertFalse(outcomes.get(0).isSuccess());
    assertTrue(
        outcomes.get(0).error().contains(error.get("error").asText()), outcomes.get(0).error());
    assertTrue(outcomes.get(1).isSuccess(), "the next record still runs");
  }
}
