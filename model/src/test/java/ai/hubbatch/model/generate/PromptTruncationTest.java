package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PromptTruncationTest {

  @Test
  void contextFromTheTinyModelsConfigs() throws IOException {
    assertEquals(128, PromptTruncation.contextLength(config("tiny-gpt2")));
    assertEquals(128, PromptTruncation.contextLength(config("tiny-llama")));
    assertEquals(-1, PromptTruncation.contextLength(config("tiny-t5")));
  }

  private static com.fasterxml.jackson.databind.JsonNode config(String model) throws IOException {
    return Json.MAPPER.readTree(TinyModels.folder(model).resolve("config.json").toFile());
  }

  @Test
  void keepsTheNewestTokensAndSaysSo() {
    int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    GenerationConfig config = GenerationConfig.DEFAULTS.withMaxNewTokens(4);
    PromptTruncation.Fitted fitted = PromptTruncation.fit(prompt, config, 10);
    assertTrue(fitted.truncated());
    assertArrayEquals(new int[] {5, 6, 7, 8, 9, 10}, fitted.ids());
    assertEquals(4, fitted.dropped());
    assertEquals(
        "A prompt of 10 tokens was truncated from the left to its last 6 to fit the model's"
            + " context of 10 tokens with max_new_tokens 4",
        fitted.warning());
  }

  @Test
  void promptsThatFitAreUntouched() {
    int[] prompt = {1, 2, 3};
    PromptTruncation.Fitted fitted =
        PromptTruncation.fit(prompt, GenerationConfig.DEFAULTS.withMaxNewTokens(7), 10);
    assertFalse(fitted.truncated());
    assertArrayEquals(prompt, fitted.ids());
    assertNull(fitted.warning());
    assertFalse(PromptTruncation.fit(prompt, GenerationConfig.DEFAULTS, -1).truncated());
  }

  @Test
  void withoutMaxNewTokensOneNewTokenMustFit() {
    PromptTruncation.Fitted fitted =
        PromptTruncation.fit(new int[] {1, 2, 3, 4}, GenerationConfig.DEFAULTS, 3);
    assertArrayEquals(new int[] {3, 4}, fitted.ids());
  }

  @Test
  void maxNewTokensBeyondTheContextIsTheRequestsError() {
    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class,
            () ->
                PromptTruncation.fit(
                    new int[] {1}, GenerationConfig.DEFAULTS.withMaxNewTokens(128), 128));
    assertEquals(
        "\"max_new_tokens\" (128) is beyond the model's context of 128 tokens; it must leave room"
            + " for the prompt",
        e.getMessage());
  }
}
