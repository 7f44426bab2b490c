package ai.hubbatch.model.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CTC decoding, timestamps and chunking against transformers' Python code on the tiny CTC model
 * ({@code reference.json}, written by scripts/tiny-models/audio_reference.py: the model's greedy
 * ids from onnxruntime, decoded by the Wav2Vec2CTCTokenizer and stitched by the pipeline's
 * chunk_iter and rescale_stride), and the logits transformers.js computed ({@code expected.json}).
 */
class CtcDecoderTest {

  private static final ModelFolder MODEL = ModelFolder.open(Wav2Vec2FeatureExtractorTest.CTC);

  private static JsonNode reference() throws IOException {
    return Json.MAPPER.readTree(MODEL.path().resolve("reference.json").toFile());
  }

  static Stream<JsonNode> wholeClipCases() throws IOException {
    return StreamSupport.stream(reference().path("cases").spliterator(), false)
        .filter(c -> !c.has("chunks"));
  }

  static Stream<JsonNode> chunkedCases() throws IOException {
    return StreamSupport.stream(reference().path("cases").spliterator(), false)
        .filter(c -> c.has("chunks"));
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }

  private static CtcTimestamps timestamps(JsonNode options) {
    JsonNode value = options.path("return_timestamps");
    return CtcTimestamps.parse(value.isTextual() ? value.asText() : null);
  }

  @ParameterizedTest
  @MethodSource("wholeClipCases")
  void decodesAsTheTokenizerAndPipelineDo(JsonNode testCase) {
    CtcDecoder decoder = CtcDecoder.load(MODEL);

    Transcript transcript =
        decoder.transcribe(ints(testCase.get("tokens")), timestamps(testCase.get("options")));

    assertEquals(testCase.get("output"), transcript.toJson(), testCase.get("clip").asText());
  }

  @ParameterizedTest
  @MethodSource("chunkedCases")
  void chunksAndStitchesAsThePipelineDoes(JsonNode testCase) throws IOException {
    JsonNode options = testCase.get("options");
    JsonNode stride = options.path("stride_length_s");
    CtcDecoder decoder = CtcDecoder.load(MODEL);
    CtcChunking chunking =
        CtcChunking.of(
            options.get("chunk_length_s").asDouble(),
            stride.isMissingNode()
                ? null
                : stride.isArray() ? stride.get(0).asDouble() : stride.asDouble(),
            stride.isArray() ? stride.get(1).asDouble() : null,
            16000,
            decoder.inputsToLogitsRatio());
    CtcChunking.Joiner joiner = chunking.joiner();
    List<JsonNode> expectedChunks = new ArrayList<>();
    testCase.get("chunks").forEach(expectedChunks::add);
    int index = 0;
    long samples = 0;

    // The recording streams from the FLAC file through the decoder, chunk by chunk.
    try (InputStream file =
            Files.newInputStream(AudioFixtures.CLIPS.resolve("speech-long-16k.flac"));
        AudioStream stream = AudioDecoder.at(16000).open(file)) {
      for (Iterator<CtcChunking.Chunk> it = chunking.chunks(new SampleWindows(stream));
          it.hasNext(); ) {
        CtcChunking.Chunk chunk = it.next();
        JsonNode expected = expectedChunks.get(index++);
        assertEquals(expected.get("start").asLong(), chunk.start(), "chunk start");
        assertArrayEquals(
            ints(expected.get("stride")),
            new int[] {chunk.samples().length, chunk.strideLeft(), chunk.strideRight()});
        assertArrayEquals(
            ints(expected.get("token_stride")), chunk.frameStride(decoder.inputsToLogitsRatio()));
        joiner.add(chunk, ints(expected.get("tokens")));
        samples = chunk.start() + chunk.samples().length;
      }
    }

    assertEquals(expectedChunks.size(), index, "chunk count");
    assertEquals(testCase.get("samples").asLong(), samples);
    assertEquals(
        testCase.get("output"),
        decoder.transcribe(joiner.ids(), timestamps(options)).toJson(),
        options.toString());
  }

  @Test
  void transformersJsLogitsGiveTheSameIdsAndText() throws IOException {
    JsonNode expected = Json.MAPPER.readTree(MODEL.path().resolve("expected.json").toFile());
    CtcDecoder decoder = CtcDecoder.load(MODEL);
    int checked = 0;
    for (JsonNode testCase : expected.get("cases")) {
      if (!testCase.has("logits")) {
        continue;
      }
      JsonNode rows = testCase.get("logits");
      int vocabulary = rows.get(0).size();
      float[] logits = new float[rows.size() * vocabulary];
      for (int t = 0; t < rows.size(); t++) {
        for (int v = 0; v < vocabulary; v++) {
          logits[t * vocabulary + v] = (float) rows.get(t).get(v).asDouble();
        }
      }
      JsonNode python =
          wholeClipCases()
              .filter(c -> c.get("clip").equals(testCase.get("clip")))
              .findFirst()
              .orElseThrow();

      int[] ids = CtcDecoder.greedy(logits, 0, rows.size(), vocabulary);

      assertArrayEquals(ints(python.get("tokens")), ids);
      assertEquals(
          python.get("output").get("text").asText(),
          decoder.transcribe(ids, CtcTimestamps.NONE).text());
      checked++;
    }
    assertEquals(2, checked);
  }

  @Test
  void strideLongerThanTheChunkIsAnError() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> CtcChunking.of(1.0, 0.5, 0.5, 16000, 320));
    assertTrue(error.getMessage().contains("chunk_length_s"), error.getMessage());
  }

  @Test
  void segmentTimestampsAreNotACtcOption() {
    assertThrows(IllegalArgumentException.class, () -> CtcTimestamps.parse(Boolean.TRUE));
    assertEquals(CtcTimestamps.NONE, CtcTimestamps.parse(Boolean.FALSE));
  }
}
