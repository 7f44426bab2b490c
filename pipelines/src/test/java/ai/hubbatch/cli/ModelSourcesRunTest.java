package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.S3Fixture;
import ai.hubbatch.model.LocalHub;
import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.DefaultModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubbatch run} with the model from a Hub (private, on loopback) and from a model.tar.gz
 * URI, local or on S3 (s3proxy in this JVM): downloaded once, then run again with the Hub gone; the
 * token never shows.
 */
class ModelSourcesRunTest {

  private static final String TOKEN = "hf_e2eSeCrEt0000111122223333";

  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  @TempDir Path dir;
  private final Map<String, String> saved = new HashMap<>();

  private void set(String name, String value) {
    saved.putIfAbsent(name, System.getProperty(name));
    System.setProperty(name, value);
  }

  @AfterEach
  void restore() {
    saved.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
  }

  private Path input() throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"inputs\":\"This is a test.\"}\n{\"inputs\":\"A man is eating.\"}\n");
    return in;
  }

  /** The first number of the first line's embedding: 0.03359077 for "This is a test.". */
  private static double firstValue(Path output) throws IOException {
    return Json.MAPPER
        .readTree(Files.readAllLines(output).get(0))
        .get("embeddings")
        .get(0)
        .asDouble();
  }

  @Test
  void downloadsOnceThenRunsAgainWithTheHubGone() throws Exception {
    Path in = input();
    try (LocalHub hub = LocalHub.start()) {
      byte[] weights =
          Files.readAllBytes(TestModels.defaultModel().path().resolve("onnx/model.onnx"));
      String commit =
          hub.publish(DefaultModel.ID, "main", LocalHub.filesOf(TestModels.defaultModel().path()));
      hub.makePrivate(DefaultModel.ID, TOKEN);
      set("HF_ENDPOINT", hub.endpoint().toString());
      set("HF_API_TOKEN", TOKEN);
      set("HF_HUB_CACHE", dir.resolve("hf").toString());
      set("HF_MODEL_ID", DefaultModel.ID);

      CliRun first = CliRun.of("run", "-i", in.toString(), "-o", dir.resolve("out1").toString());
      assertEquals(0, first.code(), first.err());
      assertTrue(
          first
              .err()
              .contains(
                  "hubbatch: " + DefaultModel.ID + "@" + commit + ", task sentence-embeddings"),
          first.err());
      assertEquals(
          1,
          hub.requests("/cdn/" + LocalHub.sha256(weights)).size(),
          "the weights are downloaded once, by the launcher; workers find them cached");
      assertTrue(
          Files.isSymbolicLink(
              dir.resolve(
                  "hf/models--sentence-transformers--"
                      + "all-MiniLM-L6-v2/snapshots/"
                      + commit
                      + "/onnx/model.onnx")));
      hub.close();

      CliRun second = CliRun.of("run", "-i", in.toString(), "-o", dir.resolve("out2").toString());
      assertEquals(0, second.code(), second.err());
      assertTrue(second.err().contains("cannot be reached"), second.err());
      assertEquals(
          Files.readAllLines(dir.resolve("out1/in.jsonl.out")),
          Files.readAllLines(dir.resolve("out2/in.jsonl.out")));
      assertEquals(0.03359077, firstValue(dir.resolve("out2/in.jsonl.out")), 1e-4);
      for (CliRun result : List.of(first, second)) {
        assertFalse(
            result.out().contains(TOKEN) || result.err().contains(TOKEN), "the token was printed");
      }
    }
  }

  @Test
  void runsAModelArchiveReadThroughBeamsFileSystems() throws Exception {
    Path archive =
        TestModels.archive(TestModels.defaultModel().path(), dir.resolve("model.tar.gz"));
    set("HF_ENDPOINT", "http://127.0.0.1:9");
    CliRun result =
        CliRun.of(
            "run",
            "-i",
            input().toString(),
            "-o",
            dir.resolve("out").toString(),
            "--model",
            archive.toUri().toString());
    assertEquals(0, result.code(), result.err());
    assertTrue(result.err().contains("hubbatch: " + archive.toUri() + " (sha256:"), result.err());
    assertEquals(0.03359077, firstValue(dir.resolve("out/in.jsonl.out")), 1e-4);
  }

  @Test
  void runsAModelArchiveFromS3FetchingItOnce() throws Exception {
    byte[] archive =
        Files.readAllBytes(
            TestModels.archive(
                TinyModels.folder("tiny-bert-sentiment"), dir.resolve("model.tar.gz")));
    S3Fixture s3 = new S3Fixture(server);
    s3.createBucket("models");
    s3.put("models", "sentiment/model.tar.gz", archive);
    Path cache = dir.resolve("hubbatch-cache");
    set("HUBBATCH_CACHE", cache.toString());
    String[] bodies = {
      "{\"inputs\":\"I love this movie!\"}",
      "{\"inputs\":[\"This film was terrible.\",\"I hate you\"]}"
    };
    Path in = Files.writeString(dir.resolve("reviews.jsonl"), String.join("\n", bodies) + "\n");
    String uri = "s3://models/sentiment/model.tar.gz";

    CliRun result =
        CliRun.of(
            "run",
            "-i",
            in.toString(),
            "-o",
            dir.resolve("out").toString(),
            "--model",
            uri,
            "--s3-endpoint",
            s3.endpoint().toString(),
            S3Fixture.credentialsOption());

    assertEquals(0, result.code(), result.err());
    String sha256 = LocalHub.sha256(archive);
    assertTrue(
        result.err().contains("hubbatch: " + uri + " (sha256:" + sha256.substring(0, 12)),
        result.err());
    assertTrue(result.err().contains("task text-classification"), "inferred from the archive");
    assertEquals(
        1,
        result.err().split("Copying " + uri, -1).length - 1,
        "the launcher fetches the archive once; workers find it extracted by its digest: "
            + result.err());
    assertEquals(List.of(sha256), names(cache.resolve("archives")));
    assertEquals(List.of(), names(cache.resolve("downloads")), "no download is left behind");
    List<JsonNode> expected =
        TinyModels.run("tiny-bert-sentiment", "text-classification", null, bodies);
    List<String> lines = Files.readAllLines(dir.resolve("out/reviews.jsonl.out"));
    assertEquals(2, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode written = Json.MAPPER.readTree(lines.get(i));
      assertEquals(expected.get(i).size(), written.size(), lines.get(i));
      for (int k = 0; k < written.size(); k++) {
        assertEquals(expected.get(i).get(k).get("label"), written.get(k).get("label"));
        assertEquals(
            expected.get(i).get(k).get("score").doubleValue(),
            written.get(k).get("score").doubleValue(),
            1e-6,
            lines.get(i));
      }
    }
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
