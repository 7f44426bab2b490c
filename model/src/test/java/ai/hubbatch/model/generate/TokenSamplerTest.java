package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sampling: reproducible per sequence, greedy in the limits (temperature 1e-6, top_k 1), and
 * distributed as the softmax over many draws. The rows are real: the tiny models' processed
 * log-probabilities that the beam-search reference recorded.
 */
class TokenSamplerTest {

  /** Rows of real model scores (the first beam of every recorded step). */
  static List<float[]> rows() {
    List<float[]> rows = new ArrayList<>();
    for (String model : List.of("tiny-gpt2", "tiny-llama", "tiny-t5")) {
      int vocab = vocab(model);
      for (JsonNode c : TinyModels.expected(model).get("beam_search").get("cases")) {
        for (JsonNode step : c.get("steps")) {
          JsonNode beam = step.get(0);
          float[] row = new float[vocab];
          Arrays.fill(row, -30f);
          for (int k = 0; k < beam.get("tokens").size(); k++) {
            row[beam.get("tokens").get(k).asInt()] = beam.get("log_probs").get(k).floatValue();
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  static int vocab(String model) {
    try {
      return ai.hubbatch.model.codec.Json.MAPPER
          .readTree(TinyModels.folder(model).resolve("config.json").toFile())
          .get("vocab_size")
          .asInt();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int sample(GenerationConfig config, float[] row, long seed) {
    float[] scores = row.clone();
    new LogitsProcessor(config, 1).apply(new int[] {0}, 1, scores);
    return TokenSampler.seeded(seed, 0).next(scores);
  }

  @Test
  void temperatureNearZeroIsGreedy() {
    GenerationConfig config =
        GenerationConfig.DEFAULTS.withDoSample(true).withTemperature(1e-6).validated();
    long seed = 0;
    for (float[] row : rows()) {
      assertEquals(TokenSampler.argmax(row), sample(config, row, seed++));
    }
  }

  @Test
  void topKOneIsGreedy() {
    GenerationConfig config = GenerationConfig.DEFAULTS.withDoSample(true).withTopK(1).validated();
    long seed = 100;
    for (float[] row : rows()) {
      assertEquals(TokenSampler.argmax(row), sample(config, row, seed++));
    }
  }

  @Test
  void sameSeedAndSequenceGiveTheSameTokensOtherwiseNot() {
    List<float[]> rows = rows();
    int[] first = draws(TokenSampler.seeded(42, 0), rows);
    assertArrayEquals(first, draws(TokenSampler.seeded(42, 0), rows));
    assertNotEquals(
        Arrays.toString(first), Arrays.toString(draws(TokenSampler.seeded(42, 1), rows)));
    assertNotEquals(
        Arrays.toString(first), Arrays.toString(draws(TokenSampler.seeded(43, 0), rows)));
  }

  private static int[] draws(TokenSampler sampler, List<float[]> rows) {
    int[] out = new int[rows.size()];
    for (int i = 0; i < out.length; i++) {
      // flatten the rows so that draws are not all the argmax
      float[] scores = rows.get(i).clone();
      for (int j = 0; j < scores.length; j++) {
        scores[j] = Math.max(scores[j], -3f);
      }
      out[i] = sampler.next(scores);
    }
    return out;
  }

  @Test
  void drawsFollowTheSoftmax() {
    float[] scores = {0.5f, -1f, 2f, 0f, Float.NEGATIVE_INFINITY, 1.2f, -0.3f, 1.9f};
    float[] p = LogitsProcessor.softmax(scores);
    int draws = 200_000;
    int[] counts = new int[scores.length];
    TokenSampler sampler = TokenSampler.seeded(7, 0);
    for (int i = 0; i < draws; i++) {
      counts[sampler.next(scores)]++;
    }
    assertEquals(0, counts[4], "a -inf score is never drawn");
    for (int i = 0; i < scores.length; i++) {
      double expected = p[i] * draws;
      double sigma = Math.sqrt(draws * p[i] * (1 - p[i]));
      assertTrue(
          Math.abs(counts[i] - expected) <= 5 * sigma + 1e-9,
          "token " + i + ": " + counts[i] + " draws, expected " + expected + " +- " + 5 * sigma);
    }
  }
}
