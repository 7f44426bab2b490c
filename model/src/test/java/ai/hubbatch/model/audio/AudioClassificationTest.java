package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Labels and scores against transformers.js's audio-classification pipeline on the tiny model. */
class AudioClassificationTest {

  private static final ModelFolder MODEL =
      ModelFolder.open(Path.of("src/test/resources/tiny-models/tiny-wav2vec2-classifier"));

  @Test
  void topFiveMatchesTransformersJs() throws IOException {
    JsonNode expected = Json.MAPPER.readTree(MODEL.path().resolve("expected.json").toFile());
    AudioClassification classification = AudioClassification.fromConfig(MODEL.config());

    for (JsonNode testCase : expected.get("cases")) {
      JsonNode row = testCase.get("logits");
      float[] logits = new float[row.size()];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) row.get(i).asDouble();
      }

      List<AudioClassification.LabelScore> top =
          classification.top(
              logits,
              testCase.path("options").path("top_k").asInt(AudioClassification.DEFAULT_TOP_K),
              AudioClassification.Function.SOFTMAX);

      JsonNode output = testCase.get("output");
      assertEquals(output.size(), top.size());
      for (int i = 0; i < top.size(); i++) {
        assertEquals(output.get(i).get("label").asText(), top.get(i).label());
        assertEquals(output.get(i).get("score").asDouble(), top.get(i).score(), 1e-6);
      }
    }
  }

  @Test
  void topKIsCappedAtTheLabelsAndSigmoidAndNoneAreOffered() {
    AudioClassification classification = AudioClassification.fromConfig(MODEL.config());
    float[] logits = {0f, 2f, -1f, 0.5f, 3f, 1f, -2f};

    List<AudioClassification.LabelScore> all =
        classification.top(logits, 50, AudioClassification.Function.NONE);
    List<AudioClassification.LabelScore> sigmoid =
        classification.top(logits, 1, AudioClassification.Function.parse("sigmoid"));

    assertEquals(7, all.size());
    assertEquals("dog_bark", all.get(0).label());
    assertEquals(3.0, all.get(0).score());
    assertEquals((float) (1 / (1 + Math.exp(-3))), sigmoid.get(0).score());
    assertThrows(IllegalArgumentException.class, () -> AudioClassification.Function.parse("relu"));
    assertThrows(
        IllegalArgumentException.class,
        () -> classification.top(logits, 0, AudioClassification.Function.SOFTMAX));
  }
}
