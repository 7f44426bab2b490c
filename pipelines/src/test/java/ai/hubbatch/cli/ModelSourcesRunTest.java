package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.LocalHub;
import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.DefaultModel;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubbatch run} with the model from a Hub (private, on loopback) and from a model.tar.gz
 * URI: downloaded once, then run again with the Hub gone; the token never shows.
 */
class ModelSourcesRunTest {

  private static final String TOKEN = "hf_e2eSeCrEt0000111122223333";

  @TempDir Path dir;
  private final Map<String, String> saved = new HashMap<>();

  private void set(String name, String value) {
    saved.putIfAbsent(name, System.getProperty(name));
    System.setProperty(name, value);
  }

  @AfterEach
  void restore() {
    saved.forEach((name, value) -> {
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
    return Json.MAPPER.readTree(Files.readAllLines(output).get(0)).get("embeddings").get(0)
        .asDouble();
  }

  @Test
  void downloadsOnceThenRunsAgainWithTheHubGone() throws Exception {
    Path in = input();
    try (LocalHub hub = LocalHub.start()) {
      byte[] weights = Files.readAllBytes(TestModels.defaultModel().path()
          .resolve("onnx/model.onnx"));
      String commit = hub.publish(DefaultModel.ID, "main",
          LocalHub.filesOf(TestModels.defaultModel().path()));
      hub.makePrivate(DefaultModel.ID, TOKEN);
      set("HF_ENDPOINT", hub.endpoint().toString());
      set("HF_API_TOKEN", TOKEN);
      set("HF_HUB_CACHE", dir.resolve("hf").toString());
      set("HF_MODEL_ID", DefaultModel.ID);

      CliRun first =
          CliRun.of("run", "-i", in.toString(), "-o", dir.resolve("out1").toString());
      assertEquals(0, first.code(), first.err());
      assertTrue(first.err().contains("hubbatch: " + DefaultModel.ID + "@" + commit
          + ", task sentence-embeddings"), first.err());
      assertEquals(1, hub.requests("/cdn/" + LocalHub.sha256(weights)).size(),
          "the weights are downloaded once, by the launcher; workers find them cached");
      assertTrue(Files.isSymbolicLink(dir.resolve("hf/models--sentence-transformers--"
          + "all-MiniLM-L6-v2/snapshots/" + commit + "/onnx/model.onnx")));
      hub.close();

      CliRun second =
          CliRun.of("run", "-i", in.toString(), "-o", dir.resolve("out2").toString());
      assertEquals(0, second.code(), second.err());
      assertTrue(second.err().contains("cannot be reached"), second.err());
      assertEquals(Files.readAllLines(dir.resolve("out1/in.jsonl.out")),
          Files.readAllLines(dir.resolve("out2/in.jsonl.out")));
      assertEquals(0.03359077, firstValue(dir.resolve("out2/in.jsonl.out")), 1e-4);
      for (CliRun result : List.of(first, second)) {
        assertFalse(result.out().contains(TOKEN) || result.err().contains(TOKEN),
            "the token was printed");
      }
    }
  }

  @Test
  void runsAModelArchiveReadThroughBeamsFileSystems() throws Exception {
    Path archive = dir.resolve("model.tar.gz");
    Path model = TestModels.defaultModel().path();
    GzipParameters fast = new GzipParameters();
    fast.setCompressionLevel(Deflater.BEST_SPEED);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(
        new BufferedOutputStream(Files.newOutputStream(archive)), fast));
        Stream<Path> files = Files.walk(model)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        TarArchiveEntry entry = new TarArchiveEntry(file.toFile(),
            model.relativize(file).toString());
        tar.putArchiveEntry(entry);
        Files.copy(file, tar);
        tar.closeArchiveEntry();
      }
    }
    set("HF_ENDPOINT", "http://127.0.0.1:9");
    CliRun result = CliRun.of("run", "-i", input().toString(), "-o",
        dir.resolve("out").toString(), "--model", archive.toUri().toString());
    assertEquals(0, result.code(), result.err());
    assertTrue(result.err().contains("hubbatch: " + archive.toUri() + " (sha256:"), result.err());
    assertEquals(0.03359077, firstValue(dir.resolve("out/in.jsonl.out")), 1e-4);
  }
}
