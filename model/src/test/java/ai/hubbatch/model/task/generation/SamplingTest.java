package ai.hubbatch.model.task.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sampling: reproducible per record with {@code seed} whatever shares the batch, different across
 * seeds, and in the limits that make it greedy (a temperature of 1e-6, top_k 1) equal to
 * transformers.js' greedy output.
 */
class SamplingTest {

  private static final String SAMPLED =
      "{\"inputs\": \"The cat sat on the mat\", \"parameters\": {\"do_sample\": true, \"seed\": %d,"
          + " \"num_return_sequences\": 3, \"temperature\": 1.3, \"top_k\": 40, \"top_p\": 0.95,"
          + " \"max_new_tokens\": 12}}";

  @Test
  void aSeedGivesTheSameTextsInAnyBatch() {
    String record = String.format(SAMPLED, 7);
    JsonNode alone =
        Generations.responses(
                "tiny-gpt2", "text-generation", new BatchLimits(16, 4096), List.of(record))
            .get(0);
    List<String> crowd = new ArrayList<>();
    for (int seed = 1; seed <= 6; seed++) {
      crowd.add(String.format(SAMPLED, seed));
    }
    crowd.add(3, record);
    List<JsonNode> together =
        Generations.responses("tiny-gpt2", "text-generation", new BatchLimits(5, 4096), crowd);
    assertEquals(alone, together.get(3));
    assertEquals(3, alone.size());
    assertNotEquals(together.get(0), together.get(1), "seeds 1 and 2 drew the same texts");
    assertNotEquals(alone.get(0), alone.get(1), "the three sequences of one record are one");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"temperature\": 1e-6}", "{\"top_k\": 1}"})
  void theGreedyLimitsOfSamplingAreGreedy(String sampling) {
    for (String model : List.of("tiny-gpt2", "tiny-llama")) {
      JsonNode expected = TinyModels.expected(model);
      List<String> bodies = new ArrayList<>();
      List<JsonNode> outputs = new ArrayList<>();
      for (JsonNode c : expected.get("greedy")) {
        ObjectNode parameters = c.get("parameters").deepCopy();
        parameters.setAll((ObjectNode) Generations.json(sampling));
        parameters.put("do_sample", true);
        parameters.put("seed", 11);
        bodies.add(Generations.body(c.get("input"), parameters));
        outputs.add(c.get("pipeline_output"));
      }
      assertEquals(
          outputs,
          Generations.responses(model, "text-generation", new BatchLimits(4, 4096), bodies),
          model + " " + sampling);
    }
  }
}
