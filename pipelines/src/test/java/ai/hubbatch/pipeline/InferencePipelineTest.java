package ai.hubbatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.InputFiles;
import ai.hubbatch.io.OutputFormat;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.SharedModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on the real default model, on the runner named by {@code
 * -DbeamTestPipelineOptions} (the DirectRunner by default).
 */
class InferencePipelineTest {

  @TempDir Path dir;
  private final ModelSpec model = ModelSpec.defaults().withTask("sentence-embeddings");
  private PipelineOptions options;

  @BeforeEach
  void setUp() {
    options = TestPipeline.testingPipelineOptions();
    FileSystems.setDefaultPipelineOptions(options);
  }

  private InferenceJob job(Path in, Path out, OutputFormat format, int sortBuffer)
      throws Exception {
    List<InputFile> files = InputFiles.expand(List.of(in.toString()));
    return new InferenceJob(
        files,
        out + "/",
        format,
        model,
        BatchSizing.of(new BatchLimits(4, 256)),
        sortBuffer,
        1 << 20);
  }

  /** Three files, one with bad records among good ones, one empty, one in a subfolder. */
  private Path inputs() throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in.resolve("sub"));
    List<String> a = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      a.add("{\"inputs\":\"review number " + i + " " + "is quite long ".repeat(i % 7) + "\"}");
    }
    a.add(5, "this line is not JSON");
    a.add(12, "{\"inputs\": 12}");
    a.add(20, "");
    Files.write(in.resolve("a.jsonl"), a);
    Files.writeString(in.resolve("empty.jsonl"), "");
    Files.writeString(
        in.resolve("sub/b.jsonl"), "{\"inputs\":[\"one\",\"two\"]}\n{\"inputs\":\"three\"}\n");
    return in;
  }

  @Test
  void writesOrderedOutputsPerFileAndEveryBadRecordToTheErrorsFile() throws Exception {
    Path in = inputs();
    Path out = dir.resolve("out");
    // A sort buffer of 7 makes several flushes per bundle; batches of 4 mix lengths.
    JobSummary summary =
        JobRunner.run(
            job(in, out, OutputFormat.JSONL, 7),
            options,
            new PrintStream(java.io.OutputStream.nullOutputStream()));

    assertEquals(PipelineResult.State.DONE, summary.state());
    assertEquals(34, summary.read());
    assertEquals(32, summary.outputs());
    assertEquals(2, summary.failed());
    JobMetrics metrics = summary.metrics();
    assertEquals(1, metrics.blankLines());
    assertTrue(metrics.paddingEfficiency() > 0 && metrics.paddingEfficiency() <= 1);
    // 32 records of one to two sequences each (b.jsonl has a list of two): 33 sequences.
    assertEquals(33, metrics.batchSize().getSum());
    assertTrue(metrics.batchSize().getMax() <= 4, "batches of at most 4");
    assertEquals(metrics.batches(), metrics.batchSize().getCount());
    assertEquals(metrics.paddedTokens(), metrics.batchPaddedTokens().getSum());

    List<String> a = Files.readAllLines(out.resolve("a.jsonl.out"));
    assertEquals(30, a.size());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      expected.add("review number " + i + " " + "is quite long ".repeat(i % 7));
    }
    assertOutputsAre(expected, a);
    List<String> b = Files.readAllLines(out.resolve("sub/b.jsonl.out"));
    assertEquals(2, b.size());
    assertEquals(2, Json.MAPPER.readTree(b.get(0)).get("embeddings").size(), "list in, list out");
    assertEquals(0, Files.size(out.resolve("empty.jsonl.out")));

    List<String> errors = Files.readAllLines(out.resolve("_errors.jsonl"));
    assertEquals(2, errors.size());
    JsonNode first = Json.MAPPER.readTree(errors.get(0));
    assertEquals(in.resolve("a.jsonl").toString(), first.get("file").asText());
    assertEquals(6, first.get("line").asLong());
    assertTrue(first.get("reason").asText().startsWith("Not valid JSON"));
    assertEquals("this line is not JSON", first.get("record").asText());
    JsonNode second = Json.MAPPER.readTree(errors.get(1));
    assertEquals(13, second.get("line").asLong());
    assertEquals(
        "sentence-embeddings expects \"inputs\" to be a string or a list of strings, "
            + "got a number",
        second.get("reason").asText());
    try (var listing = Files.list(out)) {
      assertEquals(
          List.of(".hubbatch", "_errors.jsonl", "a.jsonl.out", "empty.jsonl.out", "sub"),
          listing.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** Each output line is the embedding of the input line at the same position. */
  private void assertOutputsAre(List<String> texts, List<String> lines) throws Exception {
    LoadedModel loaded = SharedModels.get(model);
    try (BatchPredictor predictor =
        loaded.newPredictor(new BatchLimits(1, 512), InferenceListener.NONE)) {
      for (int i = 0; i < texts.size(); i++) {
        String body = Json.MAPPER.createObjectNode().put("inputs", texts.get(i)).toString();
        JsonNode alone = predictor.complete(List.of(predictor.prepare(body))).get(0).response();
        JsonNode written = Json.MAPPER.readTree(lines.get(i));
        for (int k = 0; k < 384; k++) {
          assertEquals(
              alone.get("embeddings").get(k).asDouble(),
              written.get("embeddings").get(k).asDouble(),
              1e-5,
              "line " + i + " value " + k);
        }
      }
    }
  }
}
