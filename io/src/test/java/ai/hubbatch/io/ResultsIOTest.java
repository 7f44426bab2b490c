package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsIOTest {

  @TempDir Path dir;

  private final List<InputFile> inputs =
      List.of(
          new InputFile(0, "/data/a.jsonl", "a.jsonl"),
          new InputFile(1, "/data/sub/b.jsonl", "sub/b.jsonl"),
          new InputFile(2, "/data/empty.jsonl", "empty.jsonl"));

  /** 2,500 records of a.jsonl (three chunks) and 3 of b, shuffled, a few of them errors. */
  private List<ResultRecord> results() {
    List<ResultRecord> results = new ArrayList<>();
    for (long line = 1; line <= 2500; line++) {
      results.add(
          line % 1000 == 7
              ? ResultRecord.error(0, line, "bad " + line, "raw " + line)
              : ResultRecord.output(0, line, "{\"n\":" + line + "}"));
    }
    results.add(ResultRecord.output(1, 2, "{\"embeddings\":[1.5,2.0]}"));
    results.add(ResultRecord.error(1, 3, "not JSON", "{oops"));
    results.add(ResultRecord.output(1, 5, "{\"embeddings\":[[1.0],[2.0]]}"));
    Collections.shuffle(results, new java.util.Random(3));
    return results;
  }

  @Test
  void writesEachInputInOrderAndGathersErrors() throws Exception {
    Path out = dir.resolve("out");
    ResultsIO.Write write =
        ResultsIO.write().to(out.toString()).withInputs(inputs).withChunkRecords(1000);
    Pipeline pipeline = TestPipelines.create();
    PAssert.that(
            TestPipelines.results(pipeline, results(), List.of(0, 1, 2))
                .apply(write)
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(w -> w.input() + ":" + w.outputs() + ":" + w.errors())))
        .containsInAnyOrder("0:2497:3", "1:2:1", "2:0:0");
    TestPipelines.run(pipeline);
    assertEquals(
        List.of(
            new WrittenFile(0, out.resolve("a.jsonl.out").toString(), 2497, 3),
            new WrittenFile(1, out.resolve("sub/b.jsonl.out").toString(), 2, 1),
            new WrittenFile(2, out.resolve("empty.jsonl.out").toString(), 0, 0)),
        write.writtenFiles(),
        "the report the launcher reads, in input order");
    write.cleanUp();

    List<String> a = Files.readAllLines(out.resolve("a.jsonl.out"));
    assertEquals(2497, a.size());
    assertEquals("{\"n\":1}", a.get(0));
    assertEquals("{\"n\":8}", a.get(6), "line 7 failed, so line 8 follows line 6");
    assertEquals("{\"n\":2500}", a.get(2496));
    assertEquals(
        List.of("{\"embeddings\":[1.5,2.0]}", "{\"embeddings\":[[1.0],[2.0]]}"),
        Files.readAllLines(out.resolve("sub/b.jsonl.out")));
    assertEquals(0, Files.size(out.resolve("empty.jsonl.out")));
    assertEquals(
        List.of(
            "{\"file\":\"/data/a.jsonl\",\"line\":7,\"reason\":\"bad 7\",\"record\":\"raw 7\"}",
            "{\"file\":\"/data/a.jsonl\",\"line\":1007,\"reason\":\"bad 1007\",\"record\":\"raw"
                + " 1007\"}",
            "{\"file\":\"/data/a.jsonl\",\"line\":2007,\"reason\":\"bad 2007\",\"record\":\"raw"
                + " 2007\"}",
            "{\"file\":\"/data/sub/b.jsonl\",\"line\":3,\"reason\":\"not"
                + " JSON\",\"record\":\"{oops\"}"),
        Files.readAllLines(out.resolve("_errors.jsonl")));
    assertFalse(Files.exists(out.resolve(".hubbatch/tmp")), "temporary files are cleaned up");
    try (Stream<Path> files = Files.walk(out.resolve(".hubbatch/done"))) {
      assertEquals(
          List.of("a.jsonl.jsonl", "empty.jsonl.jsonl", "sub/b.jsonl.jsonl"),
          files
              .filter(Files::isRegularFile)
              .map(f -> out.resolve(".hubbatch/done").relativize(f).toString())
              .sorted()
              .toList(),
          "a commit record per input");
    }
    assertEquals(
        "{\"hubbatch\":1,\"name\":\"sub/b.jsonl\",\"source\":\"/data/sub/b.jsonl\","
            + "\"sourceVersion\":null,\"job\":\"\",\"output\":\"sub/b.jsonl.out\","
            + "\"outputBytes\":"
            + Files.size(out.resolve("sub/b.jsonl.out"))
            + ",\"outputs\":2,\"errors\":1}\n"
            + "{\"file\":\"/data/sub/b.jsonl\",\"line\":3,\"reason\":\"not JSON\","
            + "\"record\":\"{oops\"}\n",
        Files.readString(out.resolve(".hubbatch/done/sub/b.jsonl.jsonl")),
        "the header, then the input's failed records as in _errors.jsonl");
  }

  /**
   * An input is committed when its end arrives, whatever the other inputs do: here the second never
   * ends, so the job fails, and the first is complete all the same. A sink that waited for every
   * input (a shuffle before the write) would have committed nothing.
   */
  @Test
  void commitsEachInputAtItsEndWithoutWaitingForTheOthers() throws Exception {
    Path out = dir.resolve("out");
    ResultsIO.Write write = ResultsIO.write().to(out.toString()).withInputs(inputs);
    Pipeline pipeline = TestPipelines.create();
    TestPipelines.results(
            pipeline,
            List.of(ResultRecord.output(0, 1, "{\"a\":1}"), ResultRecord.output(1, 1, "{\"b\":1}")),
            List.of(0),
            out.resolve(".hubbatch/done/a.jsonl.jsonl").toString())
        .apply(write);
    assertThrows(RuntimeException.class, () -> TestPipelines.run(pipeline));
    TestPipelines.awaitWorkersGone();
    write.cleanUp();
    assertEquals("{\"a\":1}\n", Files.readString(out.resolve("a.jsonl.out")));
    assertTrue(Files.exists(out.resolve(".hubbatch/done/a.jsonl.jsonl")));
    assertFalse(Files.exists(out.resolve("sub/b.jsonl.out")));
    assertFalse(Files.exists(out.resolve(".hubbatch/done/sub/b.jsonl.jsonl")));
    assertFalse(Files.exists(out.resolve("_errors.jsonl")), "the job did not finish");
  }

  @Test
  void hasNoReportOfAPipelineThatDidNotRun() {
    ResultsIO.Write write =
        ResultsIO.write().to(dir.resolve("never").toString()).withInputs(inputs);
    IOException missing = assertThrows(IOException.class, write::writtenFiles);
    assertTrue(missing.getMessage().contains("it did not finish"), missing.getMessage());
  }

  @Test
  void writesParquetWithTypedColumnsWhereTheShapeFits() throws Exception {
    Path out = dir.resolve("pq");
    ResultsIO.Write write =
        ResultsIO.write()
            .to(out.toString())
            .withInputs(inputs)
            .withFormat(OutputFormat.PARQUET)
            .withParquetColumns(
                List.of(
                    new ParquetColumn(
                        "embeddings", ParquetColumn.Type.FLOAT_VECTOR, "/embeddings")));
    Pipeline pipeline = TestPipelines.create();
    TestPipelines.results(pipeline, results(), List.of(0, 1, 2)).apply(write);
    TestPipelines.run(pipeline);
    write.cleanUp();

    Pipeline reader = TestPipelines.create();
    PAssert.that(
            reader
                .apply(
                    ParquetIO.read(
                            ParquetRows.schema(
                                List.of(
                                    new ParquetColumn(
                                        "embeddings",
                                        ParquetColumn.Type.FLOAT_VECTOR,
                                        "/embeddings"))))
                        .from(out.resolve("sub/b.jsonl.parquet").toString()))
                .apply(MapElements.into(TypeDescriptors.strings()).via(ResultsIOTest::describe)))
        .containsInAnyOrder(
            "/data/sub/b.jsonl|2|[1.5, 2.0]|null",
            "/data/sub/b.jsonl|5|null|{\"embeddings\":[[1.0],[2.0]]}");
    TestPipelines.run(reader);
    assertTrue(Files.size(out.resolve("a.jsonl.parquet")) > 0);
    assertTrue(Files.exists(out.resolve("empty.jsonl.parquet")));
  }

  @Test
  void assemblesWithoutSeparatorsAndWithholdsObjectsWithFailedRecords() throws Exception {
    Path out = dir.resolve("none");
    Files.createDirectories(out.resolve("sub"));
    Files.writeString(out.resolve("sub/b.jsonl.out"), "stale output of an earlier run\n");
    List<ResultRecord> results =
        List.of(
            ResultRecord.output(0, 2, "\"x,y\"\r\n"),
            ResultRecord.output(0, 1, "[1]"),
            ResultRecord.output(1, 1, "{}"),
            new ResultRecord(1, 2, 36, null, "TFRecord data checksum does not match", null));
    ResultsIO.Write write =
        ResultsIO.write()
            .to(out.toString())
            .withInputs(inputs)
            .withAssembleWith(AssembleWith.NONE)
            .withAllOrNothing(true);
    Pipeline pipeline = TestPipelines.create();
    PAssert.that(
            TestPipelines.results(pipeline, results, List.of(0, 1, 2))
                .apply(write)
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            w ->
                                w.input() + ":" + w.path() + ":" + w.outputs() + ":" + w.errors())))
        .containsInAnyOrder(
            "0:" + out.resolve("a.jsonl.out") + ":2:0",
            "1:null:1:1",
            "2:" + out.resolve("empty.jsonl.out") + ":0:0");
    TestPipelines.run(pipeline);
    assertEquals(new WrittenFile(1, null, 1, 1), write.writtenFiles().get(1));
    write.cleanUp();

    assertEquals(
        "[1]\"x,y\"\r\n",
        Files.readString(out.resolve("a.jsonl.out")),
        "outputs concatenated byte for byte, in order");
    assertFalse(
        Files.exists(out.resolve("sub/b.jsonl.out")),
        "an object with a failed record has no output, not even an earlier run's");
    assertEquals(
        "{\"file\":\"/data/sub/b.jsonl\",\"offset\":36,"
            + "\"reason\":\"TFRecord data checksum does not match\"}\n",
        Files.readString(out.resolve("_errors.jsonl")));
  }

  private static String describe(GenericRecord row) {
    return row.get("source_file")
        + "|"
        + row.get("source_line")
        + "|"
        + row.get("embeddings")
        + "|"
        + row.get("output");
  }
}
