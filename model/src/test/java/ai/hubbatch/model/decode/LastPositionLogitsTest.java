package ai.hubbatch.model.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.Networks;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Tensor;
import ai.hubbatch.model.engine.TensorSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decoders rewritten to give the last position's logits give, for a whole prompt, the one row
 * of logits ONNX Runtime computed from the original graph (transformers.js' expected.json, first
 * step), through a plain graph and through both branches of a merged decoder's If.
 */
class LastPositionLogitsTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"tiny-gpt2, model", "tiny-llama, model", "tiny-llama-merged, decoder_model_merged"})
  void aPromptGivesItsLastPositionsLogits(String model, String file) throws Exception {
    JsonNode expected = TinyModels.expected(model).get("onnx_logits").get(0);
    Path rewritten = dir.resolve(file + ".onnx");
    assertTrue(
        LastPositionLogits.rewrite(
            TinyModels.folder(model).resolve("onnx/" + file + ".onnx"), rewritten));
    JsonNode ids = expected.get("ids");
    int n = ids.size();
    long[] tokens = new long[n];
    long[] mask = new long[n];
    long[] positions = new long[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = ids.get(i).asLong();
      mask[i] = 1;
      positions[i] = i;
    }
    try (Network network = Networks.onnx(rewritten, EngineSettings.defaults().withDevice("cpu"));
        NetworkSession session = network.newSession()) {
      Map<String, HostTensor> feed = new HashMap<>();
      feed.put("input_ids", HostTensor.ofLongs(tokens, 1, n));
      feed.put("attention_mask", HostTensor.ofLongs(mask, 1, n));
      feed.put("position_ids", HostTensor.ofLongs(positions, 1, n));
      for (TensorSpec input : network.inputs()) {
        if (input.name().startsWith("past_key_values")) {
          feed.put(
              input.name(),
              HostTensor.empty(input.type(), 1, input.shape()[1], 0, input.shape()[3]));
        }
      }
      if (network.takes("use_cache_branch")) {
        feed.put("use_cache_branch", HostTensor.ofBooleans(new boolean[] {false}, 1));
      }
      try (Outputs outputs = session.run(feed)) {
        Tensor logits = outputs.read("logits");
        assertEquals(1, logits.dim(1), "one position");
        float[] want = new float[expected.get("first").size()];
        for (int i = 0; i < want.length; i++) {
          want[i] = expected.get("first").get(i).floatValue();
        }
        assertArrayEquals(want, logits.data(), 1e-4f);
      }
    }
  }

  @Test
  void aGraphWithoutLogitsIsLeftAlone() throws Exception {
    Path target = dir.resolve("encoder.onnx");
    assertFalse(
        LastPositionLogits.rewrite(
            TinyModels.folder("tiny-bart").resolve("onnx/encoder_model.onnx"), target));
    assertFalse(target.toFile().exists());
  }
}
