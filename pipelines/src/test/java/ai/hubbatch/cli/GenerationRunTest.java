package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation from the command line: {@code hubbatch run --task text-generation} over JSON Lines
 * writes transformers.js' pipeline outputs in input order, the summary counts generated tokens,
 * slot occupancy and truncated prompts, Parquet gets a typed {@code generated_text} column, and a
 * CSV transform job summarizes each row.
 */
class GenerationRunTest {

  @TempDir Path dir;

  @Test
  void runWritesThePipelinesOutputsAndSummarizesTheDecoding() throws Exception {
    JsonNode expected = TinyModels.expected("tiny-gpt2");
    StringBuilder input = new StringBuilder();
    List<JsonNode> outputs = new ArrayList<>();
    for (JsonNode c : expected.get("greedy")) {
      ObjectNode record = Json.MAPPER.createObjectNode();
      record.set("inputs", c.get("input"));
      record.set("parameters", c.get("parameters"));
      input.append(record).append('\n');
      outputs.add(c.get("pipeline_output"));
    }
    // a prompt that with its max_new_tokens passes the 128-token context
    input.append(
        "{\"inputs\": \""
            + "the cat sat on the mat and the dog ".repeat(16)
            + "\", \"parameters\": {\"max_new_tokens\": 20}}\n");
    Path in = dir.resolve("prompts.jsonl");
    Files.writeString(in, input);
    Path out = dir.resolve("out");
    CliRun result =
        CliRun.of(
            "run",
            "--task",
            "text-generation",
            "--model",
            TinyModels.folder("tiny-gpt2").toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--batch-size",
            "4");
    assertEquals(0, result.code(), result.err() + Files.readString(out.resolve("_errors.jsonl")));
    List<String> lines = Files.readAllLines(out.resolve("prompts.jsonl.out"));
    assertEquals(outputs.size() + 1, lines.size());
    for (int i = 0; i < outputs.size(); i++) {
      assertEquals(outputs.get(i), Json.MAPPER.readTree(lines.get(i)), "line " + (i + 1));
    }
    assertTrue(result.out().contains("  generated      "), result.out());
    assertTrue(result.out().contains("of the slots busy per step"), result.out());
    assertTrue(
        result.out().contains("notices        1 prompts truncated to fit the model's context"),
        result.out());
    // The run report charts the decoding: its tokens generated per interval add up to the
    // summary's.
    Matcher summary = Pattern.compile("generated\\s+([\\d,]+) tokens").matcher(result.out());
    assertTrue(summary.find(), result.out());
    long generated = Long.parseLong(summary.group(1).replace(",", ""));
    String report = Files.readString(out.resolve("_report.html"));
    assertTrue(report.contains("data-figure=\"slot-occupancy\""), "slot occupancy figure");
    int chart = report.indexOf("<figure id=\"generated-over-time\"");
    assertTrue(chart >= 0, "generated tokens chart");
    Matcher bars =
        Pattern.compile("([\\d,]+) tokens generated, ")
            .matcher(report.substring(chart, report.indexOf("</figure>", chart)));
    long charted = 0;
    while (bars.find()) {
      charted += Long.parseLong(bars.group(1).replace(",", ""));
    }
    assertEquals(generated, charted);
    assertTrue(report.contains("<figure id=\"slots-over-time\""), "slot occupancy chart");
  }

  @Test
  void parquetHasATypedGeneratedTextColumn() throws Exception {
    Path in = dir.resolve("few.jsonl");
    Files.writeString(
        in,
        "{\"inputs\":\"Hello\",\"parameters\":{\"max_new_tokens\":12}}\n"
            + "{\"inputs\":[\"Hello\",\"Hi\"],\"parameters\":{\"max_new_tokens\":2}}\n");
    Path out = dir.resolve("pq");
    CliRun result =
        CliRun.of(
            "run",
            "--task",
            "text-generation",
            "--model",
            TinyModels.folder("tiny-gpt2").toString(),
            "-i",
            in.toString(),
            "-o",
            out.toString(),
            "--format",
            "parquet");
    assertEquals(0, result.code(), result.err());
    String text =
        TinyModels.expected("tiny-gpt2")
            .get("greedy")
            .get(0)
            .get("pipeline_output")
            .get(0)
            .get("generated_text")
            .asText();
    Schema schema =
        SchemaBuilder.record("PredictionRow")
            .namespace("ai.hubbatch.io.parquet")
            .fields()
            .requiredString("source_file")
            .requiredLong("source_line")
            .name("generated_text")
            .type()
            .nullable()
            .stringType()
            .noDefault()
            .name("output")
            .type()
            .nullable()
            .stringType()
            .noDefault()
            .endRecord();
    Pipeline reader = Pipeline.create(TestPipeline.testingPipelineOptions());
    PAssert.that(
            reader
                .apply(ParquetIO.read(schema).from(out.resolve("few.jsonl.parquet").toString()))
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (GenericRecord row) ->
                                row.get("source_line")
                                    + "|"
                                    + row.get("generated_text")
                                    + "|"
                                    + (row.get("output") == null ? "null" : "json"))))
        .containsInAnyOrder("1|" + text + "|null", "2|null|json");
    reader.run().waitUntilFinish();
  }

  @Test
  void aCsvTransformJobSummarizesEachRow() throws Exception {
    Path csv = dir.resolve("csv");
    Files.createDirectories(csv);
    Files.writeString(
        csv.resolve("articles.csv"),
        "a1,\"The cat sat on the mat and the dog saw the moon.\"\n"
            + "a2,\"A little dog went to the city of Paris.\"\n");
    Path job = dir.resolve("job.json");
    Files.writeString(
        job,
        "{\"TransformJobName\": \"summaries\","
            + " \"Environment\": {\"HF_TASK\": \"summarization\"},"
            + " \"TransformInput\": {\"DataSource\": {\"S3DataSource\": {\"S3DataType\":"
            + " \"S3Prefix\", \"S3Uri\": \"s3://unused/\"}}, \"ContentType\": \"text/csv\","
            + " \"SplitType\": \"Line\"},"
            + " \"TransformOutput\": {\"S3OutputPath\": \"s3://unused-out/\", \"Accept\":"
            + " \"text/csv\", \"AssembleWith\": \"Line\"},"
            + " \"DataProcessing\": {\"InputFilter\": \"$[1]\", \"JoinSource\": \"Input\"}}");
    Path out = dir.resolve("out");
    CliRun result =
        CliRun.of(
            "transform",
            "--job",
            job.toString(),
            "--model",
            TinyModels.folder("tiny-bart").toString(),
            "--input",
            csv + "/",
            "--output",
            out.toString());
    assertEquals(0, result.code(), result.err());
    List<String> rows = Files.readAllLines(out.resolve("articles.csv.out"));
    assertEquals(2, rows.size());
    // the id, the text, and its summary (the pipelines' defaults: 4 beams, up to the context)
    assertTrue(rows.get(0).startsWith("a1,The cat sat on the mat"), rows.get(0));
    assertEquals(3, rows.get(0).split(",").length, rows.get(0));
    assertTrue(rows.get(1).startsWith("a2,A little dog"), rows.get(1));
  }
}
