package ai.hubbatch.serve;

import static ai.hubbatch.serve.ServeFixture.invoke;
import static ai.hubbatch.serve.ServeFixture.json;
import static ai.hubbatch.serve.ServeFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.SharedModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recordings over real HTTP, as the toolkit takes them: raw bodies of the A5 audio types and JSON
 * with base64. Each answer is byte for byte what the task gives the same bytes through {@link
 * BatchPredictor}, the path a batch job's media records take, and is Python's transcript.
 */
class AudioHttpTest {

  private static final Path SAMPLES = Paths.get("../samples/audio").toAbsolutePath().normalize();

  private static LoadedModel ctc;
  private static InferenceServer server;

  @BeforeAll
  static void start() throws Exception {
    ctc =
        SharedModels.get(
            new ModelSpec(
                TinyModels.folder("tiny-wav2vec2-ctc").toString(),
                null,
                null,
                EngineSettings.defaults()));
    server = ServeFixture.start(ctc, ServeFixture.settings());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode direct(InferenceRequest request) {
    try (BatchPredictor predictor =
        ctc.newPredictor(new BatchLimits(4, 1 << 20), InferenceListener.NONE)) {
      Outcome outcome = predictor.complete(List.of(predictor.prepare(request))).get(0);
      assertTrue(outcome.isSuccess(), outcome::error);
      return outcome.response();
    }
  }

  @Test
  void rawAudioBodiesAnswerAsTheBatchPath() throws Exception {
    byte[] flac = Files.readAllBytes(SAMPLES.resolve("speech-16k.flac"));
    String expected = Json.write(direct(InferenceRequest.media(flac)));
    // the format is told from the bytes: the declared type does not decide
    for (String type :
        List.of("audio/x-flac", "audio/x-audio", "audio/wave", "audio/mpeg", "Audio/X-FLAC")) {
      HttpResponse<byte[]> response = invoke(server, type, null, flac);
      assertEquals(200, response.statusCode(), type + ": " + text(response));
      assertEquals(expected, text(response), type);
    }
    JsonNode reference =
        Json.MAPPER.readTree(
            TinyModels.folder("tiny-wav2vec2-ctc").resolve("reference.json").toFile());
    byte[] wav = Files.readAllBytes(SAMPLES.resolve("speech-16k-s16.wav"));
    JsonNode python = reference.get("cases").get(2).get("output"); // word timestamps
    HttpResponse<byte[]> json =
        invoke(
            server,
            "application/json",
            "application/json",
            "{\"inputs\":\""
                + Base64.getEncoder().encodeToString(wav)
                + "\",\"parameters\":{\"return_timestamps\":\"word\"}}");
    assertEquals(200, json.statusCode(), text(json));
    assertEquals(python, json(text(json)));
  }

  @Test
  void badRecordingsAreRefusedWithTheirReason() throws Exception {
    HttpResponse<byte[]> empty = invoke(server, "audio/wave", null, new byte[0]);
    assertEquals(400, empty.statusCode(), text(empty));
    assertTrue(text(empty).contains("empty"), text(empty));
    HttpResponse<byte[]> text = invoke(server, "audio/x-audio", null, "{\"a\": 1}".getBytes());
    assertEquals(400, text.statusCode(), text(text));
  }
}
