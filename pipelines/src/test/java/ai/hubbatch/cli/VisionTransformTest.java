package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.S3Fixture;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SageMaker transform job over images on S3 (s3proxy in this JVM): samples/jobs/images-s3.json,
 * {@code ContentType image/jpeg}, {@code SplitType None}. Each object is one request; its {@code
 * .out} object holds the one response, as the batch path answers the same bytes; an object that is
 * no image is named in {@code _errors.jsonl}.
 */
class VisionTransformTest {

  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  @TempDir Path dir;

  @Test
  void theImageJobFileRunsOverS3Objects() throws Exception {
    S3Fixture s3 = new S3Fixture(server);
    s3.createBucket("my-bucket");
    List<String> images = List.of("jpeg-baseline.jpg", "jpeg-cmyk.jpg", "png-rgb.png");
    for (String image : images) {
      s3.put(
          "my-bucket", "images/" + image, Files.readAllBytes(VisionRunTest.SAMPLES.resolve(image)));
    }
    s3.put(
        "my-bucket",
        "images/broken/truncated.jpg",
        VisionRunTest.resource("/images/bad/truncated.jpg"));
    Path job = dir.resolve("job.json");
    Files.copy(Path.of("../samples/jobs/images-s3.json"), job);
    CliRun run =
        CliRun.of(
            "transform",
            "--job",
            job.toString(),
            "--model",
            VisionRunTest.model("tiny-vit-classifier"),
            "--s3-endpoint",
            s3.endpoint().toString(),
            S3Fixture.credentialsOption());
    assertEquals(Main.RECORDS_FAILED, run.code(), run.err());
    try (LoadedModel model =
            LoadedModel.load(
                new ModelSpec(
                    VisionRunTest.model("tiny-vit-classifier"),
                    "image-classification",
                    null,
                    EngineSettings.defaults()));
        BatchPredictor predictor =
            model.newPredictor(new BatchLimits(1, 1 << 20), InferenceListener.NONE)) {
      for (String image : images) {
        byte[] bytes = Files.readAllBytes(VisionRunTest.SAMPLES.resolve(image));
        JsonNode expected =
            predictor
                .complete(List.of(predictor.prepare(InferenceRequest.media(bytes))))
                .get(0)
                .response();
        // AssembleWith None: the response as it is, no newline after it
        assertEquals(Json.write(expected), s3.getText("my-bucket", "images-out/" + image + ".out"));
      }
    }
    assertEquals("", s3.getText("my-bucket", "images-out/broken/truncated.jpg.out"));
    JsonNode error = Json.MAPPER.readTree(s3.getText("my-bucket", "images-out/_errors.jsonl"));
    assertEquals("s3://my-bucket/images/broken/truncated.jpg", error.get("file").asText());
    assertTrue(error.get("reason").asText().contains("truncated"), error.toString());
  }
}
