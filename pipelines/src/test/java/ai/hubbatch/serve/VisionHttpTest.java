package ai.hubbatch.serve;

import static ai.hubbatch.serve.ServeFixture.errorBody;
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
 * Images over real HTTP, as the toolkit takes them: raw bodies of the A5 image types, and JSON with
 * base64 (zero-shot's labels need JSON). Each answer is byte for byte what the task gives the same
 * bytes through {@link BatchPredictor}, the path a batch job's media records take, and holds the
 * Python pipeline's numbers.
 */
class VisionHttpTest {

  private static final Path SAMPLES = Paths.get("../samples/images").toAbsolutePath().normalize();

  private static LoadedModel classifier;
  private static LoadedModel clip;
  private static InferenceServer classifierServer;
  private static InferenceServer clipServer;

  @BeforeAll
  static void start() throws Exception {
    classifier = tiny("tiny-vit-classifier");
    clip = tiny("tiny-clip");
    classifierServer = ServeFixture.start(classifier, ServeFixture.settings());
    clipServer = ServeFixture.start(clip, ServeFixture.settings());
  }

  @AfterAll
  static void stop() {
    classifierServer.close();
    clipServer.close();
  }

  private static LoadedModel tiny(String name) {
    return SharedModels.get(
        new ModelSpec(TinyModels.folder(name).toString(), null, null, EngineSettings.defaults()));
  }

  private static byte[] sample(String name) throws Exception {
    return Files.readAllBytes(SAMPLES.resolve(name));
  }

  private static byte[] bad(String name) throws Exception {
    try (var in = TinyModels.class.getResourceAsStream("/images/bad/" + name)) {
      return in.readAllBytes();
    }
  }

  private static JsonNode direct(LoadedModel model, InferenceRequest request) {
    try (BatchPredictor predictor =
        model.newPredictor(new BatchLimits(4, 1 << 20), InferenceListener.NONE)) {
      Outcome outcome = predictor.complete(List.of(predictor.prepare(request))).get(0);
      assertTrue(outcome.isSuccess(), outcome::error);
      return outcome.response();
    }
  }

  @Test
  void rawImageBodiesOfEveryImageTypeAnswerAsTheBatchPath() throws Exception {
    byte[] jpeg = sample("jpeg-baseline.jpg");
    String expected = Json.write(direct(classifier, InferenceRequest.media(jpeg)));
    // the format is told from the bytes, as Pillow tells it: the declared type does not decide
    for (String type :
        List.of("image/jpeg", "image/png", "image/x-image", "image/webp", "Image/JPEG")) {
      HttpResponse<byte[]> response = invoke(classifierServer, type, null, jpeg);
      assertEquals(200, response.statusCode(), type + ": " + text(response));
      assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
      assertEquals(expected, text(response), type);
    }
    JsonNode python =
        TinyModels.expected("tiny-vit-classifier").get("cases").get(0).get("pipeline");
    JsonNode answer = json(text(invoke(classifierServer, "image/jpeg", null, jpeg)));
    for (int i = 0; i < answer.size(); i++) {
      assertEquals(python.get("default").get(i).get("label"), answer.get(i).get("label"));
      assertEquals(
          python.get("default").get(i).get("score").asDouble(),
          answer.get(i).get("score").asDouble(),
          1e-4);
    }
    // the same image as base64 JSON, with parameters, which a raw body cannot carry
    String base64 = Base64.getEncoder().encodeToString(jpeg);
    HttpResponse<byte[]> json =
        invoke(
            classifierServer,
            "application/json",
            "application/json",
            "{\"inputs\":\"" + base64 + "\",\"parameters\":{\"top_k\":2}}");
    assertEquals(200, json.statusCode(), text(json));
    assertEquals(
        Json.write(direct(classifier, InferenceRequest.media(jpeg)).get(0)),
        Json.write(json(text(json)).get(0)));
    assertEquals(2, json(text(json)).size());
  }

  @Test
  void zeroShotTakesBase64JsonWithItsLabels() throws Exception {
    JsonNode item = TinyModels.expected("tiny-clip").get("cases").get(1);
    String body =
        "{\"inputs\":{\"image\":\""
            + Base64.getEncoder().encodeToString(sample(item.get("image").asText()))
            + "\"},\"parameters\":{\"candidate_labels\":"
            + item.get("candidate_labels")
            + "}}";
    HttpResponse<byte[]> response = invoke(clipServer, "application/json", null, body);
    assertEquals(200, response.statusCode(), text(response));
    JsonNode answer = json(text(response));
    JsonNode python = item.get("pipeline").get("default");
    assertEquals(python.size(), answer.size());
    for (int i = 0; i < answer.size(); i++) {
      assertEquals(python.get(i).get("label"), answer.get(i).get("label"));
      assertEquals(
          python.get(i).get("score").asDouble(), answer.get(i).get("score").asDouble(), 1e-4);
    }
    HttpResponse<byte[]> raw =
        invoke(clipServer, "image/png", null, sample(item.get("image").asText()));
    assertEquals(400, raw.statusCode());
    assertTrue(text(raw).contains("needs \\\"candidate_labels\\\""), text(raw));
  }

  @Test
  void badImagesGetTheToolkitsErrorBody() throws Exception {
    HttpResponse<byte[]> truncated =
        invoke(classifierServer, "image/jpeg", null, bad("truncated.jpg"));
    assertEquals(400, truncated.statusCode());
    assertTrue(
        text(truncated)
            .startsWith(
                "{\n  \"code\": 400,\n  \"type\": \"InternalServerException\","
                    + "\n  \"message\": \"the JPEG image is truncated"),
        text(truncated));
    HttpResponse<byte[]> empty = invoke(classifierServer, "image/png", null, new byte[0]);
    assertEquals(
        errorBody(400, "InternalServerException", "the image is empty (0 bytes)"), text(empty));
    HttpResponse<byte[]> url =
        invoke(
            classifierServer,
            "application/json",
            null,
            "{\"inputs\":\"http://169.254.169.254/latest/meta-data\"}");
    assertEquals(400, url.statusCode());
    assertTrue(text(url).contains("hubbatch does not fetch URLs"), text(url));
  }
}
