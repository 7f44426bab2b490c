package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hubbatch run} over images: a folder of image files with an image content type is one
 * record per file and one {@code .out} per file; base64 images in JSON Lines; bad files as errors
 * that name them; typed Parquet columns. Answers are the Python pipelines' (expected.json).
 */
class VisionRunTest {

  static final Path SAMPLES = Paths.get("../samples/images").toAbsolutePath().normalize();

  @TempDir Path dir;

  static String model(String name) {
    return TinyModels.folder(name).toString();
  }

  @Test
  void aFolderOfImagesGetsOneOutputPerImage() throws Exception {
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            "run",
            "--task",
            "image-classification",
            "--model",
            model("tiny-vit-classifier"),
            "--input",
            SAMPLES + "/",
            "--output",
            out.toString(),
            "--content-type",
            "image/x-image");
    assertEquals(0, run.code(), run.err());
    List<String> images;
    try (Stream<Path> files = Files.list(SAMPLES)) {
      images = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    assertEquals(22, images.size());
    for (String image : images) {
      List<String> lines = Files.readAllLines(out.resolve(image + ".out"));
      assertEquals(1, lines.size(), image);
      assertEquals(5, Json.MAPPER.readTree(lines.get(0)).size(), image);
    }
    assertEquals("", Files.readString(out.resolve("_errors.jsonl")));
    for (JsonNode item : TinyModels.expected("tiny-vit-classifier").get("cases")) {
      String image = item.get("image").asText();
      JsonNode answer = Json.MAPPER.readTree(Files.readString(out.resolve(image + ".out")));
      assertSameEntries(item.get("pipeline").get("default"), answer, image);
    }
  }

  @Test
  void badFilesAreErrorsThatNameThemAndTheOthersAreScored() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    for (String bad : List.of("truncated.jpg", "empty.jpg", "bomb.png", "text.jpg")) {
      Files.write(in.resolve(bad), resource("/images/bad/" + bad));
    }
    Files.copy(SAMPLES.resolve("jpeg-baseline.jpg"), in.resolve("good.jpg"));
    Files.copy(SAMPLES.resolve("png-rgb.png"), in.resolve("large.png"));
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            "run",
            "--model",
            model("tiny-vit-classifier"),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--content-type",
            "image/jpeg",
            // jpeg-baseline is 120 x 145 = 17,400 pixels, png-rgb 160 x 120 = 19,200
            "--max-image-pixels",
            "17400");
    assertEquals(Main.RECORDS_FAILED, run.code(), run.err());
    Map<String, String> reasons = new TreeMap<>();
    for (String line : Files.readAllLines(out.resolve("_errors.jsonl"))) {
      JsonNode error = Json.MAPPER.readTree(line);
      assertEquals(0, error.get("offset").asInt(), line);
      reasons.put(
          Paths.get(error.get("file").asText()).getFileName().toString(),
          error.get("reason").asText());
    }
    assertEquals(
        List.of("bomb.png", "empty.jpg", "large.png", "text.jpg", "truncated.jpg"),
        List.copyOf(reasons.keySet()));
    assertTrue(reasons.get("bomb.png").contains("100000x100000"), reasons.toString());
    assertTrue(reasons.get("empty.jpg").contains("empty (0 bytes)"), reasons.toString());
    assertTrue(
        reasons.get("large.png").contains("19200 pixels, more than the limit of 17400"),
        reasons.toString());
    assertTrue(reasons.get("text.jpg").contains("not an image but text"), reasons.toString());
    assertTrue(reasons.get("truncated.jpg").contains("truncated"), reasons.toString());
    assertSameEntries(
        TinyModels.expected("tiny-vit-classifier")
            .get("cases")
            .get(0)
            .get("pipeline")
            .get("default"),
        Json.MAPPER.readTree(Files.readString(out.resolve("good.jpg.out"))),
        "good.jpg");
    assertEquals("", Files.readString(out.resolve("bomb.png.out")), "a failed file's output");
  }

  @Test
  void base64ImagesInJsonLinesWithZeroShotLabels() throws Exception {
    JsonNode expected = TinyModels.expected("tiny-clip");
    StringBuilder lines = new StringBuilder();
    for (JsonNode item : expected.get("cases")) {
      lines
          .append("{\"inputs\":\"")
          .append(
              Base64.getEncoder()
                  .encodeToString(Files.readAllBytes(SAMPLES.resolve(item.get("image").asText()))))
          .append("\",\"parameters\":{\"candidate_labels\":")
          .append(item.get("candidate_labels"))
          .append("}}\n");
    }
    lines.append(
        "{\"inputs\":\"https://example.com/cat.jpg\",\"parameters\":{\"candidate_labels\":\"cat\"}}\n");
    Path in = dir.resolve("images.jsonl");
    Files.writeString(in, lines);
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            "run",
            "--model",
            model("tiny-clip"),
            "--input",
            in.toString(),
            "--output",
            out.toString());
    assertEquals(Main.RECORDS_FAILED, run.code(), run.err());
    List<String> answers = Files.readAllLines(out.resolve("images.jsonl.out"));
    assertEquals(2, answers.size());
    for (int i = 0; i < 2; i++) {
      assertSameEntries(
          expected.get("cases").get(i).get("pipeline").get("default"),
          Json.MAPPER.readTree(answers.get(i)),
          "line " + (i + 1));
    }
    JsonNode error = Json.MAPPER.readTree(Files.readString(out.resolve("_errors.jsonl")));
    assertEquals(3, error.get("line").asInt());
    assertTrue(error.get("reason").asText().contains("is a URL"), error.toString());
  }

  @Test
  void detectionsWriteTypedParquetColumns() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.copy(SAMPLES.resolve("jpeg-baseline.jpg"), in.resolve("jpeg-baseline.jpg"));
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            "run",
            "--model",
            model("tiny-detr"),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--content-type",
            "image/x-image",
            "--format",
            "parquet");
    assertEquals(0, run.code(), run.err());
    StringBuilder wanted = new StringBuilder();
    for (JsonNode detection :
        TinyModels.expected("tiny-detr").get("cases").get(0).get("pipeline").get("default")) {
      JsonNode box = detection.get("box");
      wanted.append(
          String.format(
              java.util.Locale.ROOT,
              "%s %.4f %d,%d,%d,%d;",
              detection.get("label").asText(),
              detection.get("score").asDouble(),
              box.get("xmin").asInt(),
              box.get("ymin").asInt(),
              box.get("xmax").asInt(),
              box.get("ymax").asInt()));
    }
    Pipeline reader = Pipeline.create(TestPipeline.testingPipelineOptions());
    PAssert.that(
            reader.apply(
                ParquetIO.parseGenericRecords(VisionRunTest::describe)
                    .withCoder(StringUtf8Coder.of())
                    .from(out.resolve("jpeg-baseline.jpg.parquet").toString())))
        .containsInAnyOrder("1|null|" + wanted);
    reader.run().waitUntilFinish();
  }

  /** A row: its record number, its JSON fallback, and each detection's fields. */
  private static String describe(GenericRecord row) {
    StringBuilder text = new StringBuilder();
    text.append(row.get("source_line")).append('|').append(row.get("output")).append('|');
    for (Object item : (List<?>) row.get("detections")) {
      GenericRecord detection = (GenericRecord) item;
      GenericRecord box = (GenericRecord) detection.get("box");
      text.append(
          String.format(
              java.util.Locale.ROOT,
              "%s %.4f %d,%d,%d,%d;",
              detection.get("label"),
              (Double) detection.get("score"),
              box.get("xmin"),
              box.get("ymin"),
              box.get("xmax"),
              box.get("ymax")));
    }
    return text.toString();
  }

  static void assertSameEntries(JsonNode expected, JsonNode actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": entries");
    for (int i = 0; i < actual.size(); i++) {
      List<String> keys = new ArrayList<>();
      actual.get(i).fieldNames().forEachRemaining(keys::add);
      List<String> wantedKeys = new ArrayList<>();
      expected.get(i).fieldNames().forEachRemaining(wantedKeys::add);
      assertEquals(wantedKeys, keys, what + ": field order");
      assertEquals(expected.get(i).get("label"), actual.get(i).get("label"), what);
      assertEquals(
          expected.get(i).get("score").asDouble(),
          actual.get(i).get("score").asDouble(),
          1e-4,
          what + " rank " + i);
    }
  }

  static byte[] resource(String path) throws Exception {
    try (InputStream in = TinyModels.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + path);
      }
      return in.readAllBytes();
    }
  }
}
