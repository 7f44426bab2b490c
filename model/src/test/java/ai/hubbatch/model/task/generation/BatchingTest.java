package ai.hubbatch.model.task.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.decode.GenerationInput;
import ai.hubbatch.model.decode.GenerationOutput;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.generate.GenerationConfig;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.stage.StageResults;
import ai.hubbatch.model.stage.StageRunner;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Batching never changes a result: the same records alone and in a full batch whose slots refill as
 * sequences finish give the same texts, on a ragged decoder (rows of any length share a step), a
 * merged decoder with use_cache_branch, and the lockstep cohorts of both encoder-decoder layouts.
 * And an engine failure in the middle of a batch fails only the prompt that causes it.
 */
class BatchingTest {

  /** Greedy of several lengths, beams, sampling with a seed, a list of prompts. */
  private static final List<String> RECORDS =
      List.of(
          "{\"inputs\": \"Hello\", \"parameters\": {\"max_new_tokens\": 3, \"num_beams\": 1}}",
          "{\"inputs\": \"The cat sat on the mat and the dog saw the moon over the river\","
              + " \"parameters\": {\"max_new_tokens\": 14, \"num_beams\": 1}}",
          "{\"inputs\": \"Tell me a story\", \"parameters\": {\"max_new_tokens\": 9, \"num_beams\":"
              + " 3, \"num_return_sequences\": 2}}",
          "{\"inputs\": [\"Paris\", \"A little dog went to the city\"], \"parameters\":"
              + " {\"max_new_tokens\": 6, \"min_new_tokens\": 6, \"num_beams\": 1}}",
          "{\"inputs\": \"One night the moon\", \"parameters\": {\"do_sample\": true, \"seed\": 3,"
              + " \"max_new_tokens\": 10, \"num_return_sequences\": 2, \"num_beams\": 1}}",
          "{\"inputs\": \"Home\", \"parameters\": {\"max_new_tokens\": 2, \"num_beams\": 1,"
              + " \"repetition_penalty\": 1.3}}",
          "{\"inputs\": \"The friend of the cat came back\", \"parameters\": {\"max_new_tokens\":"
              + " 11, \"num_beams\": 2, \"no_repeat_ngram_size\": 2}}");

  @ParameterizedTest
  @CsvSource({
    "tiny-gpt2, text-generation",
    "tiny-llama-merged, text-generation",
    "tiny-bart, summarization",
    "tiny-t5, text2text-generation"
  })
  void recordsAloneAndInARefillingBatchAgree(String model, String task) {
    List<JsonNode> alone = new ArrayList<>();
    for (String record : RECORDS) {
      alone.add(
          Generations.responses(model, task, new BatchLimits(64, 1 << 20), List.of(record)).get(0));
    }
    Generations.Heard heard = new Generations.Heard();
    List<Outcome> outcomes =
        Generations.outcomes(model, task, new BatchLimits(3, 4096), heard, RECORDS);
    for (int i = 0; i < RECORDS.size(); i++) {
      assertTrue(outcomes.get(i).isSuccess(), outcomes.get(i).toString());
      assertEquals(alone.get(i), outcomes.get(i).response(), RECORDS.get(i));
    }
    long prefills = heard.reports.stream().filter(r -> r.slots() == 0).count();
    assertTrue(prefills > 2, "slots were refilled: " + prefills + " prefills");
    assertTrue(heard.reports.stream().allMatch(r -> r.slots() == 0 || r.items() <= 3));
  }

  /**
   * A prompt run past the model's context (128 positions, built here without the task's check)
   * makes the engine fail mid-decode on a batch it shares; every live prompt of that batch starts
   * again alone, so the others still get what they generate alone and only it fails.
   */
  @ParameterizedTest
  @CsvSource({"tiny-gpt2, 5", "tiny-gpt2, 2"})
  void anEngineFailureFailsOnlyItsPrompt(String model, int slots) {
    GenerationStage stage =
        (GenerationStage) Generations.model(model, "text-generation").task().stage();
    GenerationConfig config =
        GenerationConfig.DEFAULTS.withEosTokenIds(List.of(0)).withMinNewTokens(0);
    int[] longPrompt = new int[120];
    Arrays.fill(longPrompt, 85);
    List<GenerationInput> inputs =
        List.of(
            GenerationInput.decoderOnly(new int[] {978, 764}, config.withMaxNewTokens(12), 1, null),
            GenerationInput.decoderOnly(longPrompt, config.withMaxNewTokens(20), 1, null),
            GenerationInput.decoderOnly(
                new int[] {85, 712, 333}, config.withMaxNewTokens(15), 1, null),
            GenerationInput.decoderOnly(new int[] {259}, config.withMaxNewTokens(4), 1, null));
    Map<Integer, Object> together = run(stage, new BatchLimits(slots, 1 << 20), inputs);
    assertTrue(together.get(1) instanceof String, "the prompt past the context failed");
    assertTrue(((String) together.get(1)).startsWith("Engine failed"), (String) together.get(1));
    for (int i : new int[] {0, 2, 3}) {
      Object alone = run(stage, new BatchLimits(8, 1 << 20), List.of(inputs.get(i))).get(0);
      assertFalse(together.get(i) instanceof String, "prompt " + i + ": " + together.get(i));
      assertEquals(tokens(alone), tokens(together.get(i)), "prompt " + i);
    }
  }

  private static String tokens(Object output) {
    return Arrays.toString(((GenerationOutput) output).sequences().get(0).tokens());
  }

  /** Each input's output, or its failure's reason, by index. */
  private static Map<Integer, Object> run(
      GenerationStage stage, BatchLimits limits, List<GenerationInput> inputs) {
    Map<Integer, Object> outcomes = new TreeMap<>();
    List<BatchReport> reports = new ArrayList<>();
    try (StageRunner<GenerationInput, GenerationOutput> runner = stage.open(limits, reports::add)) {
      runner.run(
          inputs,
          new StageResults<>() {
            @Override
            public void deliver(int index, GenerationOutput output) {
              assertEquals(null, outcomes.put(index, output), "answered twice: " + index);
            }

            @Override
            public void fail(int index, String reason) {
              assertEquals(null, outcomes.put(index, reason), "answered twice: " + index);
            }
          });
    }
    assertEquals(inputs.size(), outcomes.size());
    return outcomes;
  }
}
