package ai.hubbatch.model.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.stage.EncoderBudgets;
import org.junit.jupiter.api.Test;

class BatchSizingTest {

  @Test
  void cpuBudgetsGrowWithCoresUpToEight() {
    assertEquals(new BatchLimits(8, 8192), EncoderBudgets.forCpu(1));
    assertEquals(new BatchLimits(8, 8192), EncoderBudgets.forCpu(2));
    assertEquals(new BatchLimits(8, 16384), EncoderBudgets.forCpu(4));
    assertEquals(new BatchLimits(8, 32768), EncoderBudgets.forCpu(64));
  }

  @Test
  void gpuBudgetsFollowFreeMemoryAndModelWidth() {
    // all-MiniLM-L6-v2: hidden 384, intermediate 1536, 12 heads; 256-token sequences.
    // 4 * (3840 + 3072 + 3072) = 39,936 bytes per token.
    BatchLimits small = EncoderBudgets.forGpu(TestModels.defaultModel(), 1L << 30, 256);
    assertEquals((int) ((1L << 30) * 0.4 / 39_936), small.maxCost());
    assertEquals(small.maxCost() / 64, small.maxItems());
    BatchLimits large = EncoderBudgets.forGpu(TestModels.defaultModel(), 70L << 30, 256);
    assertEquals(new BatchLimits(512, 1 << 18), large, "capped");
  }

  @Test
  void neuronModelsKeepTheirCompiledShapes() throws Exception {
    assertEquals(
        new BatchLimits(4, 512),
        EncoderBudgets.forStaticShapes(
            Json.MAPPER.readTree("{\"static_batch_size\":4,\"static_sequence_length\":128}")));
  }

  @Test
  void givenLimitsWinAndTheRestIsDerived() throws Exception {
    try (LoadedModel model =
        LoadedModel.load(
            ModelSpec.defaults().withModel(TestModels.defaultModel().path().toString()))) {
      BatchLimits cpu = EncoderBudgets.forCpu(Runtime.getRuntime().availableProcessors());
      assertEquals(cpu, BatchSizing.auto().resolve(model));
      assertEquals(new BatchLimits(7, cpu.maxCost()), new BatchSizing(7, null).resolve(model));
      String line = new BatchSizing(7, null).describe(model);
      assertTrue(
          line.startsWith(
              "batches of up to 7 inputs and " + cpu.maxCost() + " padded tokens (sized for "),
          line);
    }
  }
}
