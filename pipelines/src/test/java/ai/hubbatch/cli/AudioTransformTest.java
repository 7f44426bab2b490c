package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.S3Fixture;
import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SageMaker transform job over recordings on S3 (s3proxy in this JVM):
 * samples/jobs/audio-s3.json, {@code ContentType audio/x-audio}, {@code SplitType None}. Each
 * object is one request, read where it is scored; its {@code .out} object holds Python's transcript
 * ({@code reference.json}); an object that is no audio is named in {@code _errors.jsonl}.
 */
class AudioTransformTest {

  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  @TempDir Path dir;

  @Test
  void theAudioJobFileRunsOverS3Objects() throws Exception {
    S3Fixture s3 = new S3Fixture(server);
    s3.createBucket("my-bucket");
    List<String> clips = List.of("speech-16k-s16.wav", "speech-44k1.mp3", "speech-16k.ogg");
    for (String clip : clips) {
      s3.put(
          "my-bucket",
          "recordings/" + clip,
          Files.readAllBytes(AudioRunTest.SAMPLES.resolve(clip)));
    }
    s3.put(
        "my-bucket",
        "recordings/broken/not-audio.json",
        Files.readAllBytes(AudioRunTest.BAD.resolve("not-audio.json")));
    Path job = dir.resolve("job.json");
    Files.copy(Path.of("../samples/jobs/audio-s3.json"), job);
    CliRun run =
        CliRun.of(
            "transform",
            "--job",
            job.toString(),
            "--model",
            AudioRunTest.model("tiny-wav2vec2-ctc"),
            "--s3-endpoint",
            s3.endpoint().toString(),
            S3Fixture.credentialsOption());
    assertEquals(Main.RECORDS_FAILED, run.code(), run.err());
    JsonNode reference =
        Json.MAPPER.readTree(
            TinyModels.folder("tiny-wav2vec2-ctc").resolve("reference.json").toFile());
    for (JsonNode item : reference.get("cases")) {
      String clip = item.get("clip").asText();
      if (clips.contains(clip) && item.get("options").isEmpty()) {
        // AssembleWith None: the response as it is, no newline after it
        assertEquals(
            Json.write(item.get("output")),
            s3.getText("my-bucket", "recordings-out/" + clip + ".out"),
            clip);
      }
    }
    JsonNode error = Json.MAPPER.readTree(s3.getText("my-bucket", "recordings-out/_errors.jsonl"));
    assertEquals("s3://my-bucket/recordings/broken/not-audio.json", error.get("file").asText());
    assertTrue(!error.get("reason").asText().isBlank(), error.toString());
  }
}
