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

  /**
   * The three encoder-decoder tasks on BART (merged decoder) and T5 (decoder pair), each with its
   * prefix from task_specific_params. The pipelines' default of 4 beams is turned off:
   * transformers.js decodes greedily.
   *
   * <p>T5's long input (65 tokens) is longer than its tokenizer's model_max_length (64), which
   * transformers.js' pipeline truncates at, dropping the closing EOS (its own truncation);
   * transformers' pipeline does not truncate by default, and T5's relative positions take any
   * length, so hubbatch reads it whole: its text2text answer is transformers.js' generate() on the
   * whole input, and the prefixed tasks' answers for it have no reference.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-bart", "tiny-t5"})
  void encoderDecodersMatchTransformersJs(String model) throws Exception {
    JsonNode expected = TinyModels.expected(model);
    for (JsonNode taskNode : expected.get("tasks")) {
      String task = taskNode.asText();
      List<String> bodies = new ArrayList<>();
      List<JsonNode> outputs = new ArrayList<>();
      for (JsonNode c : expected.get("greedy")) {
        ObjectNode parameters = c.get("parameters").deepCopy();
        parameters.put("num_beams", 1);
        JsonNode output = c.get("pipelines").get(task).get("output");
        if (model.equals("tiny-t5") && c.get("name").asText().equals("long")) {
          if (!task.equals("text2text-generation")) {
            continue;
          }
          output =
              Json.MAPPER
                  .createArrayNode()
                  .add(
                      Json.MAPPER
                          .createObjectNode()
                          .set("generated_text", c.get("generated_text")));
        }
        bodies.add(body(c.get("input"), parameters));
        outputs.add(output);
      }
      List<JsonNode> responses =
          TinyModels.run(model, task, "onnxruntime", bodies.toArray(String[]::new));
      for (int i = 0; i < outputs.size(); i++) {
        assertEquals(outputs.get(i), responses.get(i), task + " case " + i);
      }
    }
  }

  static String body(JsonNode inputs, JsonNode parameters) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("inputs", inputs);
    body.set("parameters", parameters);
    return body.toString();
  }
}
