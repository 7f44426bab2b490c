package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a greedy or sampled sequence ends: EOS ids (one or several), the maximum length, and stop
 * strings matched on the text the tiny GPT-2's real tokenizer decodes, across token boundaries.
 * Each step's row makes one token the highest, so the path is known.
 */
class ContinuationTest {

  private static TextTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    tokenizer = TextTokenizer.load(ModelFolder.open(TinyModels.folder("tiny-gpt2")), 128);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static int vocab() {
    return TokenSamplerTest.vocab("tiny-gpt2");
  }

  private static float[] favouring(int token) {
    float[] row = new float[vocab()];
    row[token] = 5f;
    return row;
  }

  private static int[] ids(String text) {
    return Arrays.stream(tokenizer.idsWithoutSpecialTokens(text)).mapToInt(x -> (int) x).toArray();
  }

  private static String decode(int[] ids) {
    return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true);
  }

  /** Feeds the tokens of {@code text} one per step until the continuation stops. */
  private static Continuation run(GenerationConfig config, int[] prompt, int[] tokens) {
    Continuation c =
        new Continuation(config, prompt, TokenSampler.greedy(), ContinuationTest::decode);
    for (int token : tokens) {
      if (c.isFinished()) {
        break;
      }
      assertEquals(token, c.step(favouring(token)));
    }
    return c;
  }

  @Test
  void stopStringAcrossTokenBoundaries() {
    int[] tokens = ids(" the cat sat on the mat");
    assertTrue(tokens.length >= 6, Arrays.toString(tokens));
    GenerationConfig config =
        GenerationConfig.DEFAULTS.withMaxNewTokens(20).withStopStrings(List.of("at s"));
    Continuation c = run(config, ids("Hello"), tokens);
    assertEquals(FinishReason.STOP_STRING, c.finishReason());
    // " the", " cat", " sat": the string ends inside " sat", which is kept whole
    assertEquals(" the cat sat", decode(c.generated()));
  }

  @Test
  void stopStringInsideOneToken() {
    GenerationConfig config =
        GenerationConfig.DEFAULTS.withMaxNewTokens(20).withStopStrings(List.of("xyz", "ma"));
    Continuation c = run(config, ids("Hello"), ids(" the cat sat on the mat and"));
    assertEquals(FinishReason.STOP_STRING, c.finishReason());
    assertEquals(" the cat sat on the mat", decode(c.generated()));
  }

  @Test
  void stopStringsNeverMatchedRunToTheEnd() {
    GenerationConfig config =
        GenerationConfig.DEFAULTS.withMaxNewTokens(3).withStopStrings(List.of("dog"));
    Continuation c = run(config, ids("Hello"), ids(" the cat sat on the mat"));
    assertEquals(FinishReason.LENGTH, c.finishReason());
    assertEquals(3, c.generated().length);
  }

  @Test
  void anyOfSeveralEosIdsEndsTheSequenceAndIsKept() {
    GenerationConfig config =
        GenerationConfig.DEFAULTS.withMaxNewTokens(10).withEosTokenIds(List.of(4, 9));
    Continuation c = run(config, new int[] {20, 21}, new int[] {30, 31, 9, 40});
    assertEquals(FinishReason.EOS, c.finishReason());
    assertArrayEquals(new int[] {30, 31, 9}, c.generated());
    assertArrayEquals(new int[] {20, 21, 30, 31, 9}, c.sequence());
    assertThrows(IllegalStateException.class, () -> c.step(favouring(1)));
  }

  @Test
  void minNewTokensHoldsEosBack() {
    GenerationConfig config =
        GenerationConfig.DEFAULTS
            .withMaxNewTokens(10)
            .withMinNewTokens(3)
            .withEosTokenIds(List.of(4));
    Continuation c = new Continuation(config, new int[] {20}, TokenSampler.greedy(), null);
    float[] row = favouring(4);
    row[7] = 4f;
    assertEquals(7, c.step(row.clone()));
    assertEquals(7, c.step(row.clone()));
    assertEquals(7, c.step(row.clone()));
    assertEquals(4, c.step(row.clone()));
    assertEquals(FinishReason.EOS, c.finishReason());
  }

  @Test
  void maxLengthCountsThePromptAndMustLeaveRoom() {
    GenerationConfig config = GenerationConfig.DEFAULTS.withMaxLength(5);
    Continuation c = run(config, new int[] {1, 2, 3}, new int[] {7, 8, 9});
    assertEquals(FinishReason.LENGTH, c.finishReason());
    assertArrayEquals(new int[] {7, 8}, c.generated());
    assertNull(new Continuation(config, new int[] {1}, TokenSampler.greedy(), null).finishReason());
    assertThrows(
        InvalidRequestException.class,
        () -> new Continuation(config, new int[] {1, 2, 3, 4, 5}, TokenSampler.greedy(), null));
    assertFalse(new StopStrings(List.of()).matches("", "anything"));
  }
}
