package ai.hubbatch.model.task.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Beam search end to end on the tiny models (the engine's logits, the cache reordered by the beams)
 * returns the sequences of the Python reference of transformers' beam search: beams, length penalty
 * (positive, fractional, negative), early stopping (true, false, "never"), num_return_sequences,
 * penalties and min_new_tokens. All twelve cases of a model run in one call with room for two
 * searches at once, so beams of different prompts share steps and slots refill when a search ends.
 */
class BeamGenerationTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama", "tiny-bart", "tiny-t5"})
  void searchesAsTheReference(String model) {
    JsonNode cases = TinyModels.expected(model).get("beam_search").get("cases");
    boolean seq2seq = !cases.get(0).get("decoder_input_ids").isNull();
    List<String> bodies = new ArrayList<>();
    for (JsonNode c : cases) {
      ObjectNode parameters = c.get("parameters").deepCopy();
      parameters.put("return_tensors", true);
      bodies.add(Generations.body(c.get("input"), parameters));
    }
    List<JsonNode> responses =
        Generations.responses(
            model,
            seq2seq ? "text2text-generation" : "text-generation",
            new BatchLimits(8, 4096),
            bodies);
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      JsonNode start = seq2seq ? c.get("decoder_input_ids") : c.get("input_ids");
      List<List<Integer>> expected = new ArrayList<>();
      for (JsonNode h : c.get("hypotheses")) {
        List<Integer> ids = new ArrayList<>();
        start.forEach(id -> ids.add(id.asInt()));
        h.get("generated_ids").forEach(id -> ids.add(id.asInt()));
        if (!h.get("eos_token_id").isNull()) {
          ids.add(h.get("eos_token_id").asInt());
        }
        expected.add(ids);
      }
      List<List<Integer>> actual = new ArrayList<>();
      for (JsonNode answer : responses.get(i)) {
        List<Integer> ids = new ArrayList<>();
        answer.get("generated_token_ids").forEach(id -> ids.add(id.asInt()));
        actual.add(ids);
      }
      assertEquals(expected, actual, c.get("name").asText() + " on " + c.get("input").asText());
    }
  }
}
