package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The normalised input against transformers' extractor on ffmpeg's samples of the clips. */
class Wav2Vec2FeatureExtractorTest {

  static final Path CTC = Path.of("src/test/resources/tiny-models/tiny-wav2vec2-ctc");

  private static Wav2Vec2FeatureExtractor tinyCtc() {
    return Wav2Vec2FeatureExtractor.fromConfig(
        ModelFolder.open(CTC).json("preprocessor_config.json"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"speech-16k-s16.wav", "silence-16k.wav"})
  void inputValuesMatchTransformers(String clip) {
    float[] expected = AudioFixtures.resource("wav2vec2-input-values/" + clip + ".f32.gz");

    float[] values = tinyCtc().inputValues(AudioFixtures.reference(clip, "16000"));

    assertEquals(expected.length, values.length);
    for (int i = 0; i < values.length; i++) {
      assertEquals(expected[i], values[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "at " + i);
    }
  }

  @Test
  void aBatchIsPaddedAfterEachInputIsNormalisedAlone() {
    float[] speech = AudioFixtures.reference("speech-16k-s16.wav", "16000");
    float[] shorter = java.util.Arrays.copyOf(speech, 1000);
    Wav2Vec2FeatureExtractor extractor = tinyCtc();

    Wav2Vec2FeatureExtractor.Batch batch = extractor.batch(List.of(speech, shorter));

    assertArrayEquals(extractor.inputValues(speech), batch.inputValues()[0]);
    float[] padded = batch.inputValues()[1];
    assertEquals(speech.length, padded.length);
    assertArrayEquals(extractor.inputValues(shorter), java.util.Arrays.copyOf(padded, 1000));
    assertEquals(0f, padded[1000]);
    assertEquals(1L, batch.attentionMask()[1][999]);
    assertEquals(0L, batch.attentionMask()[1][1000]);
    assertFalse(batch.feedMask());
  }

  @Test
  void withoutNormalisationTheSamplesPassAsTheyAre() {
    ObjectNode config = Json.MAPPER.createObjectNode().put("do_normalize", false);
    float[] samples = {0.5f, -0.25f, 0.125f};

    assertArrayEquals(samples, Wav2Vec2FeatureExtractor.fromConfig(config).inputValues(samples));
  }
}
