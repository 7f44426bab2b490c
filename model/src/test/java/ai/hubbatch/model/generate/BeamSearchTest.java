package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the Python reference of transformers' beam search (beam_reference.py, run on the torch
 * copy of each tiny model): each step's processed log-probabilities go into {@link
 * BeamSearch#advance}, which must pick the beams the reference picked (checked through the next
 * step's rows, which belong to those beams), stop at the same step and return the same hypotheses
 * with the same scores. The rows keep each beam's best candidates and -inf elsewhere, which leaves
 * every choice of the step unchanged.
 */
class BeamSearchTest {

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (String model : List.of("tiny-gpt2", "tiny-llama", "tiny-bart", "tiny-t5")) {
      JsonNode expected = TinyModels.expected(model);
      for (JsonNode c : expected.get("beam_search").get("cases")) {
        all.add(Arguments.of(model, c.get("name").asText(), c.get("input").asText(), c));
      }
    }
    return all.stream();
  }

  static GenerationConfig config(String model, JsonNode parameters) throws IOException {
    JsonNode generationConfig =
        Json.MAPPER.readTree(TinyModels.folder(model).resolve("generation_config.json").toFile());
    JsonNode config =
        Json.MAPPER.readTree(TinyModels.folder(model).resolve("config.json").toFile());
    return GenerationConfig.fromModel(config, generationConfig).withRequest(parameters, Set.of());
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void replaysTheReference(String model, String name, String input, JsonNode c) throws IOException {
    GenerationConfig config = config(model, c.get("parameters"));
    int vocab =
        Json.MAPPER
            .readTree(TinyModels.folder(model).resolve("config.json").toFile())
            .get("vocab_size")
            .asInt();
    JsonNode start =
        c.get("decoder_input_ids").isNull() ? c.get("input_ids") : c.get("decoder_input_ids");
    int[] prompt = ints(start);
    BeamSearch search = new BeamSearch(config, prompt);
    JsonNode steps = c.get("steps");
    for (int s = 0; s < steps.size(); s++) {
      assertFalse(search.isDone(), "done before step " + s);
      float[][] rows = new float[config.numBeams()][];
      for (int b = 0; b < rows.length; b++) {
        JsonNode beam = steps.get(s).get(b);
        rows[b] = new float[vocab];
        Arrays.fill(rows[b], Float.NEGATIVE_INFINITY);
        for (int k = 0; k < beam.get("tokens").size(); k++) {
          rows[b][beam.get("tokens").get(k).asInt()] = beam.get("log_probs").get(k).floatValue();
        }
      }
      search.advance(rows);
    }
    assertTrue(search.isDone(), "not done after the reference's " + steps.size() + " steps");
    List<Hypothesis> result = search.result();
    JsonNode hypotheses = c.get("hypotheses");
    assertEquals(hypotheses.size(), result.size());
    for (int i = 0; i < result.size(); i++) {
      JsonNode want = hypotheses.get(i);
      assertArrayEquals(
          ints(want.get("generated_ids")), result.get(i).generated(), "hypothesis " + i);
      assertEquals(
          want.get("eos_token_id").isNull() ? null : want.get("eos_token_id").asInt(),
          result.get(i).eosTokenId());
      assertEquals(want.get("score").asDouble(), result.get(i).score(), 1e-6, "score " + i);
    }
  }

  static int[] ints(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asInt();
    }
    return out;
  }
}
