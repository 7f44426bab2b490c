package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Log-mel features against transformers' extractor run with torch ({@code
 * scripts/tiny-models/whisper_features.py}) on ffmpeg's samples of the clips, and the mel filters
 * against transformers' {@code mel_filter_bank}.
 */
class WhisperFeatureExtractorTest {

  private static WhisperFeatureExtractor extractor(int bins) {
    ObjectNode config = Json.MAPPER.createObjectNode();
    config.put("feature_size", bins);
    return WhisperFeatureExtractor.fromConfig(config);
  }

  @ParameterizedTest
  @CsvSource({"80", "128"})
  void melFiltersAreTransformersSlaneyFilters(int bins) {
    float[] expected = AudioFixtures.resource("whisper/mel-filters-" + bins + ".f32.gz");

    double[][] filters = extractor(bins).melFilters();

    // transformers' layout: [frequency bins][mel bins]
    for (int f = 0; f < 201; f++) {
      for (int m = 0; m < bins; m++) {
        assertEquals(expected[f * bins + m], filters[m][f], 1e-7, "filter " + m + " bin " + f);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "speech-16k-s16.wav, 80",
    "speech-16k-s16.wav, 128",
    "silence-16k.wav, 80",
  })
  void featuresMatchTorchs(String clip, int bins) {
    float[] expected = AudioFixtures.resource("whisper/" + clip + "." + bins + ".f32.gz");

    float[] features = extractor(bins).extract(AudioFixtures.reference(clip, "16000"));

    assertEquals(bins * 3000, features.length);
    assertClose(expected, features, 1e-4);
  }

  @Test
  void inputPastThirtySecondsIsCut() {
    float[] speech = AudioFixtures.reference("speech-16k-s16.wav", "16000");
    float[] late = new float[31 * 16000];
    System.arraycopy(speech, 0, late, 29 * 16000, speech.length);

    float[] features = extractor(80).extract(late);

    assertClose(AudioFixtures.resource("whisper/speech-at-29s-of-31s.80.f32.gz"), features, 1e-4);
  }

  @Test
  void melFiltersFromTheConfigurationAreUsed() {
    double[][] slaney = extractor(80).melFilters();
    ObjectNode config = Json.MAPPER.createObjectNode();
    ArrayNode rows = config.putArray("mel_filters");
    for (int f = 0; f < 201; f++) {
      ArrayNode row = rows.addArray();
      for (int m = 0; m < 80; m++) {
        // Only the first filter kept: the features then follow that filter alone.
        row.add(m == 0 ? slaney[m][f] : 0.0);
      }
    }
    float[] samples = AudioFixtures.reference("speech-16k-s16.wav", "16000");

    float[] features = WhisperFeatureExtractor.fromConfig(config).extract(samples);
    float[] full = extractor(80).extract(samples);

    // Bins 1.. are all log10(1e-10) floored: the same value everywhere.
    assertEquals(features[3000], features[79 * 3000 + 2999]);
    assertTrue(!Arrays.equals(Arrays.copyOf(features, 3000), Arrays.copyOf(full, 3000)));
  }

  @Test
  void aConfigurationItCannotFollowIsAnError() {
    ObjectNode config = Json.MAPPER.createObjectNode();
    config.put("n_fft", 401);

    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> WhisperFeatureExtractor.fromConfig(config));
    assertTrue(error.getMessage().contains("n_fft"), error.getMessage());
  }

  static void assertClose(float[] expected, float[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(expected[i] - actual[i]) > tolerance) {
        throw new AssertionError("at " + i + ": expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }
}
