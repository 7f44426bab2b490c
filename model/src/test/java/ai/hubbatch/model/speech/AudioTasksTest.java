package ai.hubbatch.model.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audio tasks end to end through {@link BatchPredictor}, as the pipeline and the server run
 * them: base64 requests of the sample clips, decoded in the stage, windows of many recordings
 * batched on each tiny model's ONNX graph, post-processed. CTC answers equal Python transformers'
 * speech pipeline ({@code reference.json}: text and timestamps exactly, chunked recordings
 * included); classifier answers equal transformers.js's ({@code expected.json}, scores to 1e-4).
 */
class AudioTasksTest {

  static final Path CLIPS = Path.of("../samples/audio");
  static final Path BAD = Path.of("src/test/resources/audio/bad");

  static String base64(Path file) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String body(Path file, JsonNode parameters) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("inputs", base64(file));
    if (parameters != null) {
      body.set("parameters", parameters);
    }
    return body.toString();
  }

  /** Runs the bodies in one call, under limits that let windows of several recordings batch. */
  static List<Outcome> outcomes(
      String model, String task, BatchLimits limits, List<BatchReport> batches, String... bodies)
      throws IOException {
    InferenceListener listener =
        new InferenceListener() {
          @Override
          public void onBatch(BatchReport report) {
            batches.add(report);
          }
        };
    try (LoadedModel loaded = TinyModels.load(model, task, null);
        BatchPredictor predictor = loaded.newPredictor(limits, listener)) {
      List<PendingRequest> pending = new ArrayList<>();
      for (String body : bodies) {
        pending.add(predictor.prepare(body));
      }
      return predictor.complete(pending);
    }
  }

  @Test
  void ctcTranscribesAsThePythonPipeline() throws IOException {
    JsonNode reference =
        Json.MAPPER.readTree(
            TinyModels.folder("tiny-wav2vec2-ctc").resolve("reference.json").toFile());
    List<String> bodies = new ArrayList<>();
    List<JsonNode> wanted = new ArrayList<>();
    for (JsonNode item : reference.get("cases")) {
      bodies.add(body(CLIPS.resolve(item.get("clip").asText()), item.get("options")));
      wanted.add(item.get("output"));
    }
    List<BatchReport> batches = new ArrayList<>();
    // the task inferred from Wav2Vec2ForCTC
    List<Outcome> outcomes =
        outcomes(
            "tiny-wav2vec2-ctc",
            null,
            new BatchLimits(8, 8 * 32_000),
            batches,
            bodies.toArray(String[]::new));
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome outcome = outcomes.get(i);
      String what = "case " + i + ": ";
      assertTrue(outcome.isSuccess(), () -> what + outcome.error());
      assertEquals(wanted.get(i), outcomes.get(i).response(), "case " + i);
    }
    assertTrue(
        batches.stream().anyMatch(b -> b.items() > 1),
        "windows of several recordings share batches: " + batches);
    assertTrue(batches.stream().allMatch(b -> b.paddedCost() <= 8 * 32_000), "under the budget");
  }

  @Test
  void ctcStreamsARecordingLongerThanAWindowInChunks() throws IOException {
    // The long clip is 6.4 s; asked in 2 s chunks it never goes through the model whole.
    List<BatchReport> batches = new ArrayList<>();
    JsonNode parameters = Json.MAPPER.readTree("{\"chunk_length_s\": 2.0}");
    List<Outcome> outcomes =
        outcomes(
            "tiny-wav2vec2-ctc",
            "automatic-speech-recognition",
            new BatchLimits(2, 64_000),
            batches,
            body(CLIPS.resolve("speech-long-16k.flac"), parameters));
    assertTrue(outcomes.get(0).isSuccess(), () -> outcomes.get(0).error());
    assertFalse(outcomes.get(0).response().get("text").asText().isEmpty());
    assertTrue(batches.size() > 1, "several batches of windows: " + batches);
    assertTrue(batches.stream().allMatch(b -> b.paddedCost() <= 64_000), batches.toString());
  }

  @Test
  void audioClassificationAnswersAsTransformersJs() throws IOException {
    JsonNode expected = TinyModels.expected("tiny-wav2vec2-classifier");
    List<String> bodies = new ArrayList<>();
    List<JsonNode> wanted = new ArrayList<>();
    for (JsonNode item : expected.get("cases")) {
      bodies.add(body(CLIPS.resolve(item.get("clip").asText()), null));
      wanted.add(item.get("output"));
    }
    List<Outcome> outcomes =
        outcomes(
            "tiny-wav2vec2-classifier",
            null,
            new BatchLimits(4, 4 * 160_000),
            new ArrayList<>(),
            bodies.toArray(String[]::new));
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome outcome = outcomes.get(i);
      assertTrue(outcome.isSuccess(), () -> outcome.error());
      JsonNode answer = outcomes.get(i).response();
      assertEquals(wanted.get(i).size(), answer.size(), "top 5");
      for (int k = 0; k < answer.size(); k++) {
        assertEquals(wanted.get(i).get(k).get("label"), answer.get(k).get("label"));
        assertEquals(
            wanted.get(i).get(k).get("score").asDouble(),
            answer.get(k).get("score").asDouble(),
            1e-4,
            "case " + i + " label " + k);
      }
    }
  }

  @Test
  void badRecordingsFailAloneWithAReason() throws IOException {
    List<String> bodies = new ArrayList<>();
    List<String> names =
        List.of(
            "empty.wav",
            "truncated.flac",
            "garbage-frame.mp3",
            "lying-header.wav",
            "not-audio.json");
    for (String name : names) {
      bodies.add(body(BAD.resolve(name), null));
    }
    bodies.add(body(CLIPS.resolve("speech-16k-s16.wav"), null));
    bodies.add("{\"inputs\": \"https://example.com/a.wav\"}");
    bodies.add("{\"inputs\": \"not base64!\"}");
    List<Outcome> outcomes =
        outcomes(
            "tiny-wav2vec2-ctc",
            null,
            new BatchLimits(4, 4 * 160_000),
            new ArrayList<>(),
            bodies.toArray(String[]::new));
    for (int i = 0; i < names.size(); i++) {
      Outcome outcome = outcomes.get(i);
      assertTrue(outcome.isSuccess() || !outcome.error().isBlank(), names.get(i) + " has a reason");
    }
    assertFalse(outcomes.get(0).isSuccess(), "an empty file is no recording");
    assertFalse(outcomes.get(4).isSuccess(), "JSON is no recording");
    assertTrue(outcomes.get(5).isSuccess(), "a good neighbour is answered");
    assertTrue(outcomes.get(6).error().contains("URL"), outcomes.get(6).error());
    assertTrue(outcomes.get(7).error().contains("base64"), outcomes.get(7).error());
  }

  @Test
  void whisperTranscribesAsTheGenerationOfTransformersJs() throws IOException {
    JsonNode expected = TinyModels.expected("tiny-whisper");
    List<String> bodies = new ArrayList<>();
    List<JsonNode> cases = new ArrayList<>();
    for (JsonNode item : expected.get("cases")) {
      bodies.add(body(CLIPS.resolve(item.get("clip").asText()), item.get("options")));
      cases.add(item);
    }
    List<BatchReport> batches = new ArrayList<>();
    List<Outcome> outcomes =
        outcomes(
            "tiny-whisper",
            null,
            new BatchLimits(8, 1 << 20),
            batches,
            bodies.toArray(String[]::new));
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome outcome = outcomes.get(i);
      String what = "case " + i + " " + cases.get(i).get("options") + ": ";
      assertTrue(outcome.isSuccess(), () -> what + outcome.error());
      if (cases.get(i).get("options").path("return_timestamps").asBoolean(false)) {
        // transformers.js lets the first timestamp be any; Python's rules (followed here) cap it
        // at max_initial_timestamp_index, so the sequences part at the first token
        assertTrue(outcome.response().has("chunks"), what + outcome.response());
        assertTrue(outcome.response().get("chunks").size() > 0, what + outcome.response());
      } else {
        assertEquals(cases.get(i).get("output"), outcome.response(), what);
      }
    }
    assertTrue(batches.stream().anyMatch(b -> b.items() > 1), "windows share batches");
  }

  @Test
  void whisperTranscribesALongRecordingWindowAfterWindow() throws IOException {
    // 65 s: the 6.4 s clip over and over, as 16-bit PCM WAV; three 30 s windows at most
    byte[] clip = Files.readAllBytes(CLIPS.resolve("speech-16k-s16.wav"));
    int data = clip.length - 44;
    int repeats = (int) Math.ceil(65.0 * 32_000 / data);
    java.nio.ByteBuffer wav =
        java.nio.ByteBuffer.allocate(44 + repeats * data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    wav.put(clip, 0, 44);
    for (int r = 0; r < repeats; r++) {
      wav.put(clip, 44, data);
    }
    wav.putInt(4, 36 + repeats * data).putInt(40, repeats * data);
    Path file = Files.createTempFile("long", ".wav");
    Files.write(file, wav.array());
    List<BatchReport> batches = new ArrayList<>();
    List<Outcome> outcomes =
        outcomes(
            "tiny-whisper",
            null,
            new BatchLimits(8, 1 << 20),
            batches,
            body(file, Json.MAPPER.readTree("{\"return_timestamps\": true}")),
            body(
                CLIPS.resolve("speech-16k-s16.wav"),
                Json.MAPPER.readTree("{\"max_new_tokens\": 12}")));
    Files.delete(file);
    assertTrue(outcomes.get(0).isSuccess(), () -> outcomes.get(0).error());
    JsonNode chunks = outcomes.get(0).response().get("chunks");
    assertTrue(chunks.size() > 0, outcomes.get(0).response().toString());
    assertEquals(
        TinyModels.expected("tiny-whisper").get("cases").get(0).get("output"),
        outcomes.get(1).response(),
        "a short neighbour is answered as alone");
  }
}
