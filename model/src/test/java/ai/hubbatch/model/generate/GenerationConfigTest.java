package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Merging (request over the model's file over transformers' defaults), lengths and validation. */
class GenerationConfigTest {

  private static JsonNode json(String text) throws IOException {
    return Json.MAPPER.readTree(text.replace('\'', '"'));
  }

  private static GenerationConfig request(String parameters) throws IOException {
    return GenerationConfig.DEFAULTS.withRequest(json(parameters), Set.of("return_full_text"));
  }

  @Test
  void generationConfigJsonReplacesConfigJsonAsInTransformers() throws IOException {
    JsonNode config = json("{'eos_token_id': 5, 'max_length': 40, 'num_beams': 4, 'hidden': 3}");
    GenerationConfig fromConfig = GenerationConfig.fromModel(config, null);
    assertEquals(List.of(5), fromConfig.eosTokenIds());
    assertEquals(40, fromConfig.maxLength(3));
    assertEquals(4, fromConfig.numBeams());
    GenerationConfig fromFile =
        GenerationConfig.fromModel(config, json("{'eos_token_id': [7, 8]}"));
    assertEquals(List.of(7, 8), fromFile.eosTokenIds());
    assertEquals(GenerationConfig.DEFAULT_MAX_LENGTH, fromFile.maxLength(3));
    assertEquals(1, fromFile.numBeams());
  }

  @Test
  void tinyModelsFiles() throws IOException {
    GenerationConfig bart = model("tiny-bart");
    assertEquals(List.of(2), bart.eosTokenIds());
    assertEquals(0, bart.forcedBosTokenId());
    assertEquals(List.of(2), bart.forcedEosTokenIds());
    assertEquals(2, bart.decoderStartTokenId());
    assertEquals(1, bart.padTokenId());
    GenerationConfig llama = model("tiny-llama");
    assertEquals(2, llama.eosTokenIds().size());
    GenerationConfig gpt2 = model("tiny-gpt2");
    assertEquals(0, gpt2.padTokenId(), "transformers pads with the first EOS id");
    assertEquals(0, gpt2.decoderStartTokenId(), "falls back to bos_token_id");
  }

  private static GenerationConfig model(String name) throws IOException {
    return GenerationConfig.fromModel(
        Json.MAPPER.readTree(TinyModels.folder(name).resolve("config.json").toFile()),
        Json.MAPPER.readTree(TinyModels.folder(name).resolve("generation_config.json").toFile()));
  }

  @Test
  void taskParametersApplyOverTheModelButNotThePrefix() throws IOException {
    JsonNode config =
        json(
            "{'task_specific_params': {'summarization': {'num_beams': 4, 'max_length': 30,"
                + " 'length_penalty': 2.0, 'prefix': 'summarize: '}}}");
    GenerationConfig c =
        GenerationConfig.fromModel(config, null).withTaskParameters(config, "summarization");
    assertEquals(4, c.numBeams());
    assertEquals(30, c.maxLength(5));
    assertEquals(2.0, c.lengthPenalty());
    GenerationConfig t5 =
        model("tiny-t5")
            .withTaskParameters(
                Json.MAPPER.readTree(TinyModels.folder("tiny-t5").resolve("config.json").toFile()),
                "translation_en_to_de");
    assertEquals(1, t5.numBeams());
    assertEquals(c, c.withTaskParameters(config, "translation"), "no entry: unchanged");
  }

  @Test
  void requestWinsAndMaxNewTokensWinsOverMaxLength() throws IOException {
    GenerationConfig model =
        GenerationConfig.fromModel(json("{'max_length': 50, 'min_length': 3}"), null);
    GenerationConfig c =
        model.withRequest(json("{'max_new_tokens': 7, 'min_new_tokens': 2}"), Set.of());
    assertEquals(17, c.maxLength(10));
    assertEquals(7, c.maxNewTokens(10));
    assertEquals(12, c.minLength(10));
    assertEquals(50, model.maxLength(10));
    assertEquals(3, model.minLength(10));
    assertNull(model.maxNewTokens(), "the original is unchanged");
  }

  @Test
  void valuesOfEveryShape() throws IOException {
    GenerationConfig c =
        request(
            "{'eos_token_id': 3, 'early_stopping': 'never', 'seed': 12345678901, 'stop_strings':"
                + " 'END', 'bad_words_ids': [[1], [2, 3]], 'do_sample': true, 'top_k': 0, 'top_p':"
                + " 0.9, 'typical_p': 0.95, 'temperature': 0.5, 'return_full_text': false}");
    assertEquals(List.of(3), c.eosTokenIds());
    assertEquals(GenerationConfig.EarlyStopping.NEVER, c.earlyStopping());
    assertEquals(12345678901L, c.seed());
    assertEquals(List.of("END"), c.stopStrings());
    assertEquals(List.of(List.of(1), List.of(2, 3)), c.badWordsIds());
    assertEquals(
        GenerationConfig.EarlyStopping.TRUE, request("{'early_stopping': true}").earlyStopping());
  }

  @Test
  void unknownParameterNamesTheAcceptedOnes() {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> request("{'max_tokens': 5}"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Unknown generation parameter \"max_tokens\"; the accepted ones are [bad_words_ids,"
                    + " "),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("max_new_tokens") && e.getMessage().contains("return_full_text"));
  }

  @Test
  void badValuesAreNamed() {
    assertError(
        "{'num_return_sequences': 3, 'num_beams': 2}",
        "\"num_return_sequences\" (3) must not exceed \"num_beams\" (2) without sampling");
    assertError("{'num_return_sequences': 2}", "\"num_return_sequences\" (2) must not exceed");
    assertError("{'max_new_tokens': -1}", "\"max_new_tokens\" must be at least 1, got -1");
    assertError("{'max_new_tokens': 2.5}", "\"max_new_tokens\" must be an integer, got a number");
    assertError("{'top_p': 1.5}", "\"top_p\" must be greater than 0 and at most 1, got 1.5");
    assertError(
        "{'do_sample': true, 'temperature': 0}", "\"temperature\" must be a strictly positive");
    assertError("{'do_sample': true, 'num_beams': 2}", "beam sampling");
    assertError(
        "{'max_new_tokens': 3, 'min_new_tokens': 5}",
        "\"min_new_tokens\" (5) is larger than \"max_new_tokens\" (3)");
    assertError(
        "{'eos_token_id': 'x'}", "\"eos_token_id\" must be a token id or a list of token ids");
    assertError(
        "{'early_stopping': 'sometimes'}", "\"early_stopping\" must be true, false or \"never\"");
    assertError("{'bad_words_ids': [[]]}", "\"bad_words_ids\" must be a list of non-empty lists");
    assertError("{'repetition_penalty': 0}", "\"repetition_penalty\" must be strictly positive");
    assertError("{'stop_strings': ['']}", "must not contain an empty string");
    assertThrows(
        InvalidRequestException.class,
        () -> GenerationConfig.DEFAULTS.withMaxLength(4).maxNewTokens(4));
  }

  private static void assertError(String parameters, String expected) {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> request(parameters));
    assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
  }
}
