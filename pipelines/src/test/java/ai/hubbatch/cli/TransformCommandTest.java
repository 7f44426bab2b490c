package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.FaultProxy;
import ai.hubbatch.io.S3Fixture;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.SharedModels;
import ai.hubbatch.pipeline.TransformJobFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubbatch transform} on job files pointing at a real S3 server (s3proxy in this JVM), with
 * the real default model: the .out objects SageMaker would write for each job.
 */
class TransformCommandTest {

  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  @TempDir Path dir;
  private S3Fixture s3;

  @BeforeEach
  void setUp() {
    s3 = new S3Fixture(server);
    s3.createBucket("jobs");
  }

  /** Runs a job file against the test server. */
  CliRun transform(String job, String... more) throws Exception {
    Path file = dir.resolve("job.json");
    Files.writeString(file, job);
    List<String> args =
        new ArrayList<>(
            List.of(
                "transform",
                "--job",
                file.toString(),
                "--s3-endpoint",
                s3.endpoint().toString(),
                S3Fixture.credentialsOption()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(new String[0]));
  }

  static String job(
      String input, String output, String inputExtra, String outputExtra, String top) {
    return "{\"TransformJobName\":\"t\",\"ModelName\":\"minilm\","
        + top
        + "\"TransformInput\":{\"DataSource\":{\"S3DataSource\":{\"S3DataType\":\"S3Prefix\","
        + "\"S3Uri\":\""
        + input
        + "\"}}"
        + inputExtra
        + "},"
        + "\"TransformOutput\":{\"S3OutputPath\":\""
        + output
        + "\""
        + outputExtra
        + "},"
        + "\"TransformResources\":{\"InstanceType\":\"ml.m5.xlarge\",\"InstanceCount\":1}}";
  }

  /** The embedding of one text, computed alone. */
  static JsonNode embedding(String text) {
    var model = SharedModels.get(ModelSpec.defaults().withTask("sentence-embeddings"));
    try (BatchPredictor predictor =
        model.newPredictor(new BatchLimits(1, 512), InferenceListener.NONE)) {
      String body = Json.MAPPER.createObjectNode().put("inputs", text).toString();
      return predictor
          .complete(List.of(predictor.prepare(body)))
          .get(0)
          .response()
          .get("embeddings");
    }
  }

  static void assertEmbedding(String text, JsonNode written) {
    JsonNode expected = embedding(text);
    assertEquals(384, written.size());
    for (int k = 0; k < 384; k++) {
      assertEquals(expected.get(k).asDouble(), written.get(k).asDouble(), 1e-5, text + " " + k);
    }
  }

  /** The keys below a prefix, hubbatch's bookkeeping left out. */
  static List<String> visible(List<String> keys, String prefix) {
    return keys.stream()
        .filter(k -> k.startsWith(prefix) && !k.startsWith(prefix + ".hubbatch/"))
        .toList();
  }

  static List<JsonNode> values(String concatenated) throws Exception {
    List<JsonNode> values = new ArrayList<>();
    try (var it = Json.MAPPER.readerFor(JsonNode.class).readValues(concatenated)) {
      while (it.hasNext()) {
        values.add((JsonNode) it.next());
      }
    }
    return values;
  }

  @Test
  void hfRecipeJobWritesConcatenatedResponsesAndJoinedLines() throws Exception {
    s3.put(
        "jobs", "in/tweets.jsonl", "{\"inputs\":\"a\"}\n{\"inputs\":\"b\"}\n{\"inputs\":\"c\"}\n");
    s3.put("jobs", "in/2024/more.jsonl.gz", gzip("{\"inputs\":\"d\"}\n"));
    CliRun none =
        transform(
            job(
                "s3://jobs/in/",
                "s3://jobs/out/",
                ",\"ContentType\":\"application/json\",\"SplitType\":\"Line\"",
                "",
                "\"BatchStrategy\":\"SingleRecord\",\"Environment\":{\"HF_TASK\":\"sentence-embeddings\"},"));
    assertEquals(0, none.code(), none.err());
    assertTrue(none.err().contains("hubbatch: ignoring TransformResources"), none.err());

    // AssembleWith None: the responses back to back, nothing between them (spec F5).
    String out = s3.getText("jobs", "out/tweets.jsonl.out");
    assertTrue(out.startsWith("{\"embeddings\":[") && out.endsWith("]}"), out);
    assertEquals(2, out.split("]}\\{\"embeddings\":\\[", -1).length - 1);
    assertFalse(out.contains("\n"));
    List<JsonNode> responses = values(out);
    assertEquals(3, responses.size());
    for (int i = 0; i < 3; i++) {
      assertEmbedding(List.of("a", "b", "c").get(i), responses.get(i).get("embeddings"));
    }
    assertEmbedding(
        "d", values(s3.getText("jobs", "out/2024/more.jsonl.gz.out")).get(0).get("embeddings"));
    assertEquals("", s3.getText("jobs", "out/_errors.jsonl"));
    // The run report goes to S3 too, without the credentials the command line gave.
    String report = s3.getText("jobs", "out/_report.html");
    assertTrue(report.contains("--awsCredentialsProvider=***"), report);
    assertFalse(report.contains(S3Fixture.SECRET_KEY), report);

    // AssembleWith Line + JoinSource Input: one joined line per record, keys in byte order.
    CliRun joined =
        transform(
            job(
                "s3://jobs/in/tweets.jsonl",
                "s3://jobs/joined/",
                ",\"ContentType\":\"application/jsonlines\",\"SplitType\":\"Line\"",
                ",\"Accept\":\"application/jsonlines\",\"AssembleWith\":\"Line\"",
                "\"DataProcessing\":{\"JoinSource\":\"Input\"},\"BatchStrategy\":\"MULTI_RECORD\","));
    assertEquals(0, joined.code(), joined.err());
    String[] lines = s3.getText("jobs", "joined/tweets.jsonl.out").split("\n", -1);
    assertEquals(4, lines.length, "three lines, each ending in a newline");
    assertEquals("", lines[3]);
    for (int i = 0; i < 3; i++) {
      String text = List.of("a", "b", "c").get(i);
      assertTrue(lines[i].startsWith("{\"SageMakerOutput\":{\"embeddings\":["), lines[i]);
      assertTrue(lines[i].endsWith("]},\"inputs\":\"" + text + "\"}"), lines[i]);
      assertEmbedding(
          text, Json.MAPPER.readTree(lines[i]).get("SageMakerOutput").get("embeddings"));
    }
  }

  @Test
  void environmentHfDtypeChoosesTheWeightsAndTheOptionWins() throws Exception {
    s3.put("jobs", "in/one.jsonl", "{\"inputs\":\"This is a test.\"}\n");
    String job =
        job(
            "s3://jobs/in/",
            "s3://jobs/out/",
            ",\"SplitType\":\"Line\"",
            "",
            "\"Environment\":{\"HF_DTYPE\":\"q8\"},");
    CliRun q8 = transform(job);
    assertEquals(0, q8.code(), q8.err());
    assertTrue(q8.err().contains("weights onnx/model_quantized.onnx (q8, OnnxRuntime)"), q8.err());
    JsonNode quantized = values(s3.getText("jobs", "out/one.jsonl.out")).get(0).get("embeddings");
    JsonNode full = embedding("This is a test.");
    double dot = 0;
    for (int k = 0; k < 384; k++) {
      dot += quantized.get(k).asDouble() * full.get(k).asDouble();
    }
    assertTrue(dot > 0.98 && dot < 0.9999, "q8 against fp32, both normalised: " + dot);

    CliRun fp32 = transform(job, "--dtype", "fp32", "--output", "s3://jobs/out-fp32/");
    assertEquals(0, fp32.code(), fp32.err());
    assertTrue(fp32.err().contains("weights onnx/model.onnx (fp32, OnnxRuntime)"), fp32.err());
    assertEmbedding(
        "This is a test.",
        values(s3.getText("jobs", "out-fp32/one.jsonl.out")).get(0).get("embeddings"));
  }

  @Test
  void csvJoinKeepsTheIdColumnInInputOrderUnderParallelism() throws Exception {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      rows.append("id")
          .append(i)
          .append(",\"review ")
          .append(i)
          .append(", quite ")
          .append("long ".repeat(i % 9))
          .append("\"\n");
    }
    s3.put("jobs", "csv/a.csv", rows.toString());
    s3.put("jobs", "csv/b.csv", "id,inputs\nx1,first\nx2,second\n");
    String job =
        job(
            "s3://jobs/csv/",
            "s3://jobs/csv-out/",
            ",\"ContentType\":\"text/csv\",\"SplitType\":\"Line\"",
            ",\"Accept\":\"text/csv\",\"AssembleWith\":\"Line\"",
            "\"DataProcessing\":{\"InputFilter\":\"$[1]\",\"JoinSource\":\"Input\","
                + "\"OutputFilter\":\"$[0,2]\"},\"Environment\":{\"HF_TASK\":\"sentence-embeddings\"},");
    CliRun result =
        transform(job, "--targetParallelism=4", "--sort-buffer", "7", "--batch-size", "4");
    assertEquals(0, result.code(), result.err());
    List<String> a = List.of(s3.getText("jobs", "csv-out/a.csv.out").split("\n"));
    assertEquals(60, a.size());
    for (int i = 0; i < 60; i++) {
      String[] columns = a.get(i).split(",");
      assertEquals("id" + i, columns[0], "row " + i + " in input order");
      String text = "review " + i + ", quite " + "long ".repeat(i % 9);
      assertEquals(embedding(text).get(0).asDouble(), Double.parseDouble(columns[1]), 1e-5);
    }
    // The header line is no record; the rows keep the header's column for the join.
    List<String> b = List.of(s3.getText("jobs", "csv-out/b.csv.out").split("\n"));
    assertEquals(2, b.size());
    assertTrue(b.get(0).startsWith("x1,"), b.get(0));
  }

  @Test
  void badRecordsAreNamedAndStrictModeWithholdsTheirObjects() throws Exception {
    s3.put("jobs", "mixed/good.jsonl", "{\"inputs\":\"fine\"}\n");
    s3.put(
        "jobs",
        "mixed/bad.jsonl",
        "{\"inputs\":\"ok\"}\nnot json\n{\"inputs\":\""
            + "x".repeat((1 << 20) + 10)
            + "\"}\n{\"inputs\":\"also ok\"}\n");
    byte[] broken = gzip("{\"inputs\":\"lost\"}\n".repeat(10_000));
    s3.put("jobs", "mixed/broken.jsonl.gz", java.util.Arrays.copyOf(broken, broken.length / 2));
    String job =
        job(
            "s3://jobs/mixed/",
            "s3://jobs/mixed-out/",
            ",\"SplitType\":\"Line\"",
            ",\"AssembleWith\":\"Line\"",
            "\"MaxPayloadInMB\":1,");

    CliRun lenient = transform(job);
    assertEquals(1, lenient.code(), lenient.err());
    assertEquals(
        2,
        s3.getText("jobs", "mixed-out/bad.jsonl.out").split("\n").length,
        "the good records of a file with bad ones are written");
    List<JsonNode> errors = new ArrayList<>();
    for (String line : s3.getText("jobs", "mixed-out/_errors.jsonl").split("\n")) {
      errors.add(Json.MAPPER.readTree(line));
    }
    assertEquals(3, errors.size(), errors.toString());
    assertEquals("s3://jobs/mixed/bad.jsonl", errors.get(0).get("file").asText());
    assertEquals(2, errors.get(0).get("line").asInt());
    assertTrue(errors.get(0).get("reason").asText().startsWith("Not valid JSON"));
    assertEquals(3, errors.get(1).get("line").asInt());
    assertEquals(
        "Record is larger than the payload limit of 1MB (MaxPayloadInMB, "
            + "--max-payload-mb; 0 for no limit)",
        errors.get(1).get("reason").asText());
    assertEquals("s3://jobs/mixed/broken.jsonl.gz", errors.get(2).get("file").asText());
    assertTrue(
        errors
            .get(2)
            .get("reason")
            .asText()
            .startsWith("Cannot read s3://jobs/mixed/broken.jsonl.gz after record "),
        errors.get(2).toString());

    CliRun strict = transform(job, "--sagemaker-strict");
    assertEquals(3, strict.code(), strict.err());
    assertTrue(
        strict.err().contains("2 input(s) had failed records and got no output"), strict.err());
    assertEquals(
        List.of("mixed-out/_errors.jsonl", "mixed-out/_report.html", "mixed-out/good.jsonl.out"),
        visible(s3.keys("jobs"), "mixed-out/"),
        "the earlier run's outputs of failed objects are gone");
    assertEquals(
        List.of(
            "mixed-out/.hubbatch/done/bad.jsonl.jsonl",
            "mixed-out/.hubbatch/done/broken.jsonl.gz.jsonl",
            "mixed-out/.hubbatch/done/good.jsonl.jsonl"),
        s3.keys("jobs").stream().filter(k -> k.startsWith("mixed-out/.hubbatch/")).toList(),
        "a commit record per input; nothing temporary is left, and no lock");
  }

  /** TransformOutput.KmsKeyId asks for SSE-KMS: the uploads say so, and nothing else does. */
  @Test
  void kmsKeyIdEncryptsTheOutputsWithThatKey() throws Exception {
    s3.put("jobs", "kms/a.jsonl", "{\"inputs\":\"secret\"}\n");
    String job =
        job("s3://jobs/kms/", "s3://jobs/kms-out/", "", ",\"KmsKeyId\":\"alias/batch\"", "");
    assertEquals("alias/batch", TransformJobFile.parse(job).kmsKeyId());
    try (FaultProxy proxy = FaultProxy.start(s3.endpoint())) {
      Path file = dir.resolve("kms.json");
      Files.writeString(file, job);
      // s3proxy has no KMS, so the job may be refused; what it asked for is the point here.
      CliRun.of(
          "transform",
          "--job",
          file.toString(),
          "--s3-endpoint",
          proxy.uri().toString(),
          S3Fixture.credentialsOption());
      String upload =
          proxy.heads().stream()
              .filter(h -> h.startsWith("POST /jobs/kms-out/") && h.contains("?uploads"))
              .findFirst()
              .orElseThrow()
              .toLowerCase(java.util.Locale.ROOT);
      assertTrue(upload.contains("\r\nx-amz-server-side-encryption: aws:kms"), upload);
      assertTrue(
          upload.contains("\r\nx-amz-server-side-encryption-aws-kms-key-id: alias/batch"), upload);
      assertFalse(
          proxy.heads().stream()
              .filter(h -> h.startsWith("GET ") || h.startsWith("HEAD "))
              .anyMatch(h -> h.toLowerCase(java.util.Locale.ROOT).contains("x-amz-server-side")),
          "reads carry no encryption header");
    }
  }

  @Test
  void manifestJobsAndMistakesInTheJobFile() throws Exception {
    s3.put("jobs", "m/data/one.jsonl", "{\"inputs\":\"one\"}\n");
    s3.put("jobs", "m/data/skip.jsonl", "{\"inputs\":\"skip\"}\n");
    s3.put("jobs", "m/manifest.json", "[{\"prefix\":\"s3://jobs/m/data/\"},\"one.jsonl\"]");
    String manifest =
        job("s3://jobs/m/manifest.json", "s3://jobs/m-out/", ",\"SplitType\":\"Line\"", "", "")
            .replace("S3Prefix", "ManifestFile");
    assertEquals(0, transform(manifest).code());
    assertEquals(
        List.of("m-out/_errors.jsonl", "m-out/_report.html", "m-out/one.jsonl.out"),
        visible(s3.keys("jobs"), "m-out/"));

    CliRun unknown =
        transform(job("s3://jobs/m/", "s3://jobs/x/", "", ",\"OutputPrefix\":\"k\"", ""));
    assertEquals(2, unknown.code());
    assertTrue(
        unknown.err().contains("hubbatch does not support OutputPrefix in TransformOutput"),
        unknown.err());
    CliRun env =
        transform(
            job(
                "s3://jobs/m/",
                "s3://jobs/x/",
                "",
                "",
                "\"Environment\":{\"HF_API_TOKEN\":\"secret-value\"},"));
    assertEquals(2, env.code());
    assertTrue(
        env.err().contains("hubbatch does not support HF_API_TOKEN in Environment"), env.err());
    assertFalse(env.err().contains("secret-value"));
    CliRun filter =
        transform(
            job(
                "s3://jobs/m/",
                "s3://jobs/x/",
                "",
                "",
                "\"DataProcessing\":{\"InputFilter\":\"$..a\"},"));
    assertEquals(2, filter.code());
    assertTrue(filter.err().contains("recursive descent"), filter.err());
  }

  @Test
  void sampleJobFilesParseAndRun() throws Exception {
    try (var files = Files.list(Path.of("../samples/jobs"))) {
      for (Path file : files.toList()) {
        TransformJobFile.parse(Files.readString(file));
      }
    }
    Path out = dir.resolve("csv-out");
    CliRun result =
        transform(
            Files.readString(Path.of("../samples/jobs/reviews-csv-join.json")),
            "--input",
            "../samples/csv/",
            "--output",
            out.toString());
    assertEquals(0, result.code(), result.err());
    List<String> rows = Files.readAllLines(out.resolve("reviews.csv.out"));
    assertEquals(3, rows.size());
    for (int i = 0; i < 3; i++) {
      String[] columns = rows.get(i).split(",");
      assertEquals("r" + (i + 1), columns[0]);
      assertEquals(4, columns.length, rows.get(i)); // id and embedding values 0 to 2
    }
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
