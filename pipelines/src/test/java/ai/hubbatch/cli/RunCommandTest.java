package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

/** {@code hubbatch run} as users call it: exit codes, messages, outputs. */
class RunCommandTest {

  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void scoresTheSampleWithTheDefaultModel() throws Exception {
    Path out = dir.resolve("out");
    CliRun result =
        run("run", "--input", "../samples/text/reviews.jsonl", "--output", out.toString());
    assertEquals(0, result.code(), result.err());
    assertTrue(result.out().contains("outputs        48"), result.out());
    List<String> lines = Files.readAllLines(out.resolve("reviews.jsonl.out"));
    assertEquals(48, lines.size());
    assertTrue(lines.get(0).startsWith("{\"embeddings\":["), lines.get(0));
    assertEquals(0, Files.size(out.resolve("_errors.jsonl")));
  }

  @Test
  void exitsOneWhenRecordsFailAndNamesThem() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"inputs\":\"fine\"}\n{\"inputs\":\n");
    CliRun result = run("run", "-i", in.toString(), "-o", dir.resolve("out").toString());
    assertEquals(1, result.code(), result.err());
    assertTrue(result.out().contains("errors         1"), result.out());
    String error = Files.readString(dir.resolve("out/_errors.jsonl"));
    assertTrue(error.contains("\"line\":2"), error);
  }

  @Test
  void refusesMistakesBeforeRunningWithExitTwo() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"inputs\":\"fine\"}\n");
    CliRun noInput = run("run", "-i", dir + "/missing*.jsonl", "-o", dir.toString());
    assertEquals(2, noInput.code());
    assertTrue(noInput.err().contains("No input files match"), noInput.err());
    CliRun badTask = run("run", "-i", in.toString(), "-o", dir.toString(), "--task", "nope");
    assertEquals(2, badTask.code());
    assertTrue(badTask.err().contains("hubbatch does not run the task 'nope'"), badTask.err());
    CliRun badModel =
        run(
            "run",
            "-i",
            in.toString(),
            "-o",
            dir.toString(),
            "--model",
            dir.resolve("no-model").toString());
    assertEquals(2, badModel.code());
    assertTrue(badModel.err().contains("Model folder not found"), badModel.err());
    CliRun missingOption = run("run", "-i", in.toString());
    assertEquals(2, missingOption.code());
  }

  @Test
  void refusesARunnerThatIsNotInTheJarAndNamesTheJarThatHasIt() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(in, "{\"inputs\":\"fine\"}\n");
    CliRun unknown = run("run", "-i", in.toString(), "-o", dir.toString(), "--runner", "Nope");
    assertEquals(2, unknown.code());
    assertTrue(
        unknown
            .err()
            .contains("Unknown --runner 'Nope': use DirectRunner, FlinkRunner, SparkRunner"),
        unknown.err());
    // The default jar has neither; a runner profile puts one of them on this class path.
    String absent =
        onClassPath("org.apache.beam.runners.flink.FlinkRunner") ? "SparkRunner" : "FlinkRunner";
    assumeFalse(
        onClassPath("org.apache.beam.runners.spark.SparkRunner") && absent.equals("SparkRunner"),
        "both runners are on the class path");
    CliRun missing = run("run", "-i", in.toString(), "-o", dir.toString(), "--runner", absent);
    assertEquals(2, missing.code());
    String module = absent.equals("FlinkRunner") ? "flink" : "spark";
    assertTrue(
        missing
            .err()
            .contains(
                absent
                    + " is not in this jar: run it with ./hubbatch, "
                    + "which builds "
                    + module
                    + "/target/hubbatch-"
                    + module
                    + ".jar"),
        missing.err());
  }

  private static boolean onClassPath(String className) {
    try {
      Class.forName(className, false, RunCommandTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Test
  void writesParquetThatReadsBack() throws Exception {
    Path out = dir.resolve("pq");
    Path in = dir.resolve("few.jsonl");
    Files.writeString(in, "{\"inputs\":\"This is a test.\"}\n\n{\"inputs\":[\"a\",\"b\"]}\n");
    CliRun result = run("run", "-i", in.toString(), "-o", out.toString(), "--format", "parquet");
    assertEquals(0, result.code(), result.err());

    Schema schema =
        SchemaBuilder.record("PredictionRow")
            .namespace("ai.hubbatch.io.parquet")
            .fields()
            .requiredString("source_file")
            .requiredLong("source_line")
            .name("embeddings")
            .type()
            .nullable()
            .array()
            .items()
            .floatType()
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
                .apply(MapElements.into(TypeDescriptors.strings()).via(RunCommandTest::describe)))
        .containsInAnyOrder("1|384|0.0336|null", "3|null|null|{\"embeddings\":[[");
    reader.run().waitUntilFinish();
  }

  private static String describe(GenericRecord row) {
    List<?> embedding = (List<?>) row.get("embeddings");
    Object output = row.get("output");
    return row.get("source_line")
        + "|"
        + (embedding == null ? "null" : embedding.size())
        + "|"
        + (embedding == null
            ? "null"
            : String.format(java.util.Locale.ROOT, "%.4f", (Float) embedding.get(0)))
        + "|"
        + (output == null ? "null" : output.toString().substring(0, 16));
  }
}
