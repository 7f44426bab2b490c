package ai.hubbatch.model.task.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the generation tasks refuse, each as its record's error while the records around it run, and
 * what they accept with a notice: a prompt longer than the context, cut from the left.
 */
class GenerationInputsTest {

  private static final BatchLimits LIMITS = new BatchLimits(4, 4096);

  private static final String GOOD =
      "{\"inputs\": \"Hello\", \"parameters\": {\"max_new_tokens\": 3}}";

  /** Each bad record with a word its error must contain. */
  private static final List<String[]> BAD =
      List.of(
          new String[] {"{\"inputs\": \"\"}", "empty"},
          new String[] {"{\"inputs\": [\"Hi\", \"\"]}", "inputs[1] is empty"},
          new String[] {"{\"inputs\": [{\"role\": \"robot\", \"content\": \"Hi\"}]}", "role"},
          new String[] {"{\"inputs\": [{\"role\": \"user\", \"content\": 3}]}", "content"},
          new String[] {
            "{\"inputs\": \"Hi\", \"parameters\": {\"num_return_sequences\": 2}}", "num_beams"
          },
          new String[] {
            "{\"inputs\": \"Hi\", \"parameters\": {\"max_new_tokens\": 500}}", "context of 128"
          },
          new String[] {"{\"inputs\": \"Hi\", \"parameters\": {\"max_tokens\": 5}}", "accepted"},
          new String[] {"{\"inputs\": 42}", "a string, a list of strings, a conversation"},
          new String[] {
            "{\"inputs\": \"Hi\", \"parameters\": {\"return_full_text\": false, \"return_tensors\":"
                + " true}}",
            "mutually exclusive"
          });

  @Test
  void badRecordsFailAloneWithTheirReason() {
    List<String> bodies = new ArrayList<>();
    for (String[] bad : BAD) {
      bodies.add(bad[0]);
      bodies.add(GOOD);
    }
    List<Outcome> outcomes =
        Generations.outcomes(
            "tiny-llama", "text-generation", LIMITS, new Generations.Heard(), bodies);
    for (int i = 0; i < BAD.size(); i++) {
      Outcome bad = outcomes.get(2 * i);
      assertFalse(bad.isSuccess(), BAD.get(i)[0] + " gave " + bad);
      assertTrue(bad.error().contains(BAD.get(i)[1]), bad.error());
      assertTrue(outcomes.get(2 * i + 1).isSuccess(), "the record after " + BAD.get(i)[0]);
    }
  }

  @Test
  void messagesToAModelWithoutAChatTemplateAreAnError() {
    Outcome outcome =
        Generations.outcomes(
                "tiny-gpt2",
                "text-generation",
                LIMITS,
                new Generations.Heard(),
                List.of("{\"inputs\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"))
            .get(0);
    assertFalse(outcome.isSuccess());
    assertTrue(outcome.error().contains("no chat template"), outcome.error());
  }

  /**
   * A prompt that with its max_new_tokens passes the context (128) keeps its last tokens, and the
   * stage tells the listener, which counts it for the run summary.
   */
  @Test
  void aLongPromptIsCutFromTheLeftWithANotice() {
    String words = "the cat sat on the mat and the dog ".repeat(16);
    Generations.Heard heard = new Generations.Heard();
    Outcome outcome =
        Generations.outcomes(
                "tiny-gpt2",
                "text-generation",
                LIMITS,
                heard,
                List.of(
                    "{\"inputs\": \""
                        + words
                        + "\", \"parameters\": {\"max_new_tokens\": 20, \"return_tensors\":"
                        + " true}}"))
            .get(0);
    assertTrue(outcome.isSuccess(), outcome.toString());
    JsonNode ids = outcome.response().get(0).get("generated_token_ids");
    assertEquals(128, ids.size(), "108 prompt tokens kept, 20 generated");
    assertEquals(1, heard.notices.size());
    assertEquals(GenerationStage.TRUNCATED, heard.notices.get(0).kind());
    assertTrue(
        heard.notices.get(0).message().contains("to its last 108"), heard.notices.get(0).message());
  }

  /**
   * Without a length from the request or the model, the pipeline's 256 new tokens, capped by the
   * context (128); a model's task_specific_params length (the GPT-2's max_length 50) wins.
   */
  @Test
  void theDefaultLengthIsThePipelines() {
    String body =
        "{\"inputs\": \"Hello\", \"parameters\": {\"return_tensors\": true,"
            + " \"min_new_tokens\": 200}}";
    for (String[] model : new String[][] {{"tiny-llama", "128"}, {"tiny-gpt2", "50"}}) {
      Outcome outcome =
          Generations.outcomes(
                  model[0], "text-generation", LIMITS, new Generations.Heard(), List.of(body))
              .get(0);
      assertTrue(outcome.isSuccess(), outcome.toString());
      assertEquals(
          Integer.parseInt(model[1]),
          outcome.response().get(0).get("generated_token_ids").size(),
          model[0]);
    }
  }

  @Test
  void graphsOfNoKnownLayoutAreRefusedNamingTheirInputs(@TempDir Path dir) throws Exception {
    Path bert = TinyModels.folder("tiny-bert-mlm");
    Files.createDirectories(dir.resolve("onnx"));
    Files.copy(bert.resolve("onnx/model.onnx"), dir.resolve("onnx/model.onnx"));
    Files.copy(bert.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    Files.copy(bert.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"architectures\": [\"GPT2LMHeadModel\"], \"n_head\": 2, \"n_embd\": 32}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              try (LoadedModel model =
                  LoadedModel.load(
                      new ai.hubbatch.model.inference.ModelSpec(
                          dir.toString(),
                          null,
                          "onnxruntime",
                          ai.hubbatch.model.engine.EngineSettings.defaults()))) {
                model.describe();
              }
            });
    assertTrue(e.getMessage().contains("token_type_ids"), e.getMessage());
    assertTrue(e.getMessage().contains("past_key_values.{i}.key|value"), e.getMessage());
    assertTrue(e.getMessage().contains("encoder_model.onnx"), e.getMessage());
  }
}
