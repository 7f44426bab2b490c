package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.S3Fixture;
import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubbatch run} with the sample custom task (samples/custom-task, built by the reactor
 * before this module and kept off this class path) in the code/ folder of the tiny sentiment model:
 * from the folder and from a model.tar.gz on S3 (s3proxy), and refused without trust, having loaded
 * none of its classes. The classifier's part of each output is checked against the built-in
 * text-classification task, whose scores other tests check against transformers.js.
 */
class CustomTaskRunTest {

  /** Set by the sample's task provider when its class loads. */
  private static final String LOADED = "ai.hubbatch.samples.keywords.loaded";

  private static final String[] BODIES = {
    "{\"inputs\":\"I love this"
        + " movie!\",\"parameters\":{\"keywords\":[\"movie\",\"plot\",\"LOVE\"]}}",
    "{\"inputs\":\"This film was terrible.\",\"parameters\":{\"keywords\":[\"film\",\"was"
        + " terrible\"]}}",
    "{\"inputs\":\"I hate you\"}",
    "{\"inputs\":\"No list\",\"parameters\":{\"keywords\":\"movie\"}}"
  };

  private static final List<List<String>> KEYWORDS =
      List.of(List.of("movie", "LOVE"), List.of("film", "was terrible"), List.of());

  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  @TempDir Path dir;

  @AfterEach
  void forgetTrust() {
    System.clearProperty("HF_TRUST_REMOTE_CODE");
  }

  @Test
  void runsTheSampleTaskFromAModelFolder() throws Exception {
    Path model = modelWithCode();
    CliRun result =
        CliRun.of(
            "run",
            "-i",
            input().toString(),
            "-o",
            dir.resolve("out").toString(),
            "--model",
            model.toString(),
            "--task",
            "keyword-tagging",
            "--trust-model-code");

    assertEquals(1, result.code(), "the record without a list fails alone: " + result.err());
    assertTrue(
        result.err().contains("hubbatch: the model's code provides keyword-tagging (trusted)"),
        result.err());
    assertTagged(dir.resolve("out/in.jsonl.out"));
    String errors = Files.readString(dir.resolve("out/_errors.jsonl"));
    assertTrue(errors.contains("\\\"keywords\\\" must be a list of words"), errors);
    assertTrue(errors.contains("\"line\":4"), errors);
  }

  @Test
  void runsTheSampleTaskFromAModelArchiveOnS3TrustedByTheEnvironment() throws Exception {
    byte[] archive =
        Files.readAllBytes(TestModels.archive(modelWithCode(), dir.resolve("model.tar.gz")));
    S3Fixture s3 = new S3Fixture(server);
    s3.createBucket("models");
    s3.put("models", "keywords/model.tar.gz", archive);
    System.setProperty("HF_TRUST_REMOTE_CODE", "true");

    CliRun result =
        CliRun.of(
            "run",
            "-i",
            input().toString(),
            "-o",
            dir.resolve("out").toString(),
            "--model",
            "s3://models/keywords/model.tar.gz",
            "--task",
            "keyword-tagging",
            "--s3-endpoint",
            s3.endpoint().toString(),
            S3Fixture.credentialsOption());

    assertEquals(1, result.code(), result.err());
    assertTagged(dir.resolve("out/in.jsonl.out"));
  }

  @Test
  void aModelWithCodeIsRefusedWithoutTrustHavingLoadedNoneOfIt() throws Exception {
    Path model = modelWithCode();
    System.clearProperty(LOADED);
    String[] command = {
      "run",
      "-i",
      input().toString(),
      "-o",
      dir.resolve("out").toString(),
      "--model",
      model.toString(),
      "--task",
      "keyword-tagging"
    };

    CliRun refused = CliRun.of(command);

    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("carries code (code/keyword-tagging.jar)"), refused.err());
    assertTrue(refused.err().contains("--trust-model-code"), refused.err());
    assertTrue(refused.err().contains("HF_TRUST_REMOTE_CODE=true"), refused.err());
    assertNull(System.getProperty(LOADED), "a class of the model's code was loaded");
    assertFalse(Files.exists(dir.resolve("out/in.jsonl.out")));
    CliRun serve = CliRun.of("serve", "--model", model.toString(), "--port", "0");
    assertEquals(2, serve.code(), serve.err());
    assertTrue(serve.err().contains("carries code (code/keyword-tagging.jar)"), serve.err());
    assertNull(System.getProperty(LOADED), "a class of the model's code was loaded");

    Files.writeString(model.resolve("code/inference.py"), "def output_fn(prediction, accept):\n");
    CliRun python = CliRun.of(append(command, "--trust-model-code"));
    assertEquals(2, python.code(), python.err());
    assertTrue(python.err().contains("Python hooks (code/inference.py)"), python.err());
    assertTrue(python.err().contains("runs Java hooks"), python.err());
    assertTrue(python.err().contains("docs/custom-tasks.md"), python.err());
    assertNull(System.getProperty(LOADED), "a class of the model's code was loaded");
  }

  /** The tiny sentiment model with the sample's jar in code/, as its README builds it. */
  private Path modelWithCode() throws IOException {
    Path source = TinyModels.folder("tiny-bert-sentiment");
    Path model = dir.resolve("model");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path to = model.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
    jar(
        Path.of(System.getProperty("hubbatch.sample.customTask")),
        Files.createDirectories(model.resolve("code")).resolve("keyword-tagging.jar"));
    return model;
  }

  /** Packs the sample's compiled classes and resources as its module's jar does. */
  private static void jar(Path classes, Path jar) throws IOException {
    assertTrue(Files.isDirectory(classes), "the sample is built first: " + classes);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(file));
        out.closeEntry();
      }
    }
  }

  private Path input() throws IOException {
    return Files.writeString(dir.resolve("in.jsonl"), String.join("\n", BODIES) + "\n");
  }

  /** Each output: the built-in classifier's labels, and the keywords its text contains. */
  private static void assertTagged(Path output) throws IOException {
    List<JsonNode> classified =
        TinyModels.run(
            "tiny-bert-sentiment",
            "text-classification",
            null,
            "{\"inputs\":\"I love this movie!\"}",
            "{\"inputs\":\"This film was terrible.\"}",
            "{\"inputs\":\"I hate you\"}");
    List<String> lines = Files.readAllLines(output);
    assertEquals(3, lines.size(), "the failed record has no output line: " + lines);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode written = Json.MAPPER.readTree(lines.get(i));
      JsonNode labels = written.get("labels");
      assertEquals(classified.get(i).size(), labels.size(), lines.get(i));
      for (int k = 0; k < labels.size(); k++) {
        assertEquals(classified.get(i).get(k).get("label"), labels.get(k).get("label"));
        assertEquals(
            classified.get(i).get(k).get("score").doubleValue(),
            labels.get(k).get("score").doubleValue(),
            1e-6,
            lines.get(i));
      }
      assertEquals(
          KEYWORDS.get(i),
          Json.MAPPER.convertValue(written.get("keywords"), List.class),
          lines.get(i));
    }
  }

  private static String[] append(String[] command, String arg) {
    String[] longer = java.util.Arrays.copyOf(command, command.length + 1);
    longer[command.length] = arg;
    return longer;
  }
}
