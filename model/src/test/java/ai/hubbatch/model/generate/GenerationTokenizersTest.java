package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generation models' hand-written tokenizers read by DJL's tokenizers give transformers.js' ids
 * for every prompt (and rendered chat prompt), and decode the generated ids to its text.
 */
class GenerationTokenizersTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny-gpt2", "tiny-llama", "tiny-llama-merged", "tiny-bart", "tiny-t5"})
  void idsAndTextsAsTransformersJs(String model) throws IOException {
    JsonNode expected = TinyModels.expected(model);
    try (TextTokenizer tokenizer =
        TextTokenizer.load(ModelFolder.open(TinyModels.folder(model)), 512)) {
      for (JsonNode c : expected.get("greedy")) {
        assertArrayEquals(
            longs(c.get("input_ids")),
            tokenizer.encode(c.get("input").asText()).ids(),
            c.get("name").asText());
        assertEquals(
            c.get("generated_text").asText(),
            tokenizer.decode(longs(c.get("generated_ids")), true),
            c.get("name").asText());
      }
      if (expected.has("chat")) {
        for (JsonNode c : expected.get("chat")) {
          assertArrayEquals(
              longs(c.get("input_ids")),
              tokenizer.idsWithoutSpecialTokens(c.get("rendered_prompt").asText()),
              c.get("name").asText());
        }
      }
    }
  }

  static long[] longs(JsonNode node) {
    return Arrays.stream(BeamSearchTest.ints(node)).asLongStream().toArray();
  }
}
