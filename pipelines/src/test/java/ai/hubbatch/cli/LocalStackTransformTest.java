package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.codec.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The HF recipe job of {@link TransformCommandTest} against LocalStack's S3. Runs where a Docker
 * daemon exists; skipped elsewhere (the build machines have none).
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTransformTest {

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
          .withServices(LocalStackContainer.Service.S3);

  @TempDir Path dir;

  @Test
  void runsTheJobAgainstLocalStack() throws Exception {
    S3Client s3 =
        S3Client.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .forcePathStyle(true)
            .region(Region.of(LOCALSTACK.getRegion()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
            .build();
    s3.createBucket(b -> b.bucket("jobs"));
    s3.putObject(
        b -> b.bucket("jobs").key("in/tweets.jsonl"),
        RequestBody.fromString("{\"inputs\":\"a\"}\n{\"inputs\":\"b\"}\n"));
    Path job = dir.resolve("job.json");
    Files.writeString(
        job,
        TransformCommandTest.job(
            "s3://jobs/in/",
            "s3://jobs/out/",
            ",\"ContentType\":\"application/json\",\"SplitType\":\"Line\"",
            ",\"AssembleWith\":\"Line\"",
            ""));
    String credentials =
        "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\","
            + "\"accessKeyId\":\""
            + LOCALSTACK.getAccessKey()
            + "\",\"secretAccessKey\":\""
            + LOCALSTACK.getSecretKey()
            + "\"}";
    int code =
        Main.execute(
            "transform",
            "--job",
            job.toString(),
            "--s3-endpoint",
            LOCALSTACK.getEndpoint().toString(),
            credentials);
    assertEquals(0, code);
    String out =
        s3.getObjectAsBytes(b -> b.bucket("jobs").key("out/tweets.jsonl.out"))
            .asString(StandardCharsets.UTF_8);
    List<String> lines = List.of(out.split("\n"));
    assertEquals(2, lines.size());
    for (int i = 0; i < 2; i++) {
      TransformCommandTest.assertEmbedding(
          List.of("a", "b").get(i), Json.MAPPER.readTree(lines.get(i)).get("embeddings"));
    }
  }
}
