package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hubbatch bench} end to end: its child JVM runs the pipeline and the engine-only runs. */
class BenchCommandTest {

  @TempDir Path dir;

  @Test
  void reportsEachFigureForTheEngine() throws Exception {
    // Records of 1 to 40 words in a shuffled order: arrival-order batches mix lengths, sorted
    // ones do not.
    List<String> lines = new ArrayList<>();
    for (int words = 1; words <= 40; words++) {
      lines.add("{\"inputs\":\"" + "good ".repeat(words).trim() + "\"}");
    }
    Collections.shuffle(lines, new Random(7));
    Path input = dir.resolve("mixed.jsonl");
    Files.write(input, lines);
    Path json = dir.resolve("bench.json");

    CliRun result =
        CliRun.of(
            "bench",
            "--model",
            TinyModels.folder("tiny-bert-sentiment").toString(),
            "--task",
            "text-classification",
            "--engines",
            "onnxruntime",
            "--input",
            input.toString(),
            "--repeats",
            "1",
            "--batch-size",
            "8",
            "--json",
            json.toString(),
            "--output",
            dir.resolve("bench-out").toString());

    assertEquals(0, result.code(), result.err());
    assertTrue(result.out().contains("steady/ceil"), result.out());
    // The first job, a user's run over the input, leaves its outputs and run report.
    Path first = dir.resolve("bench-out/OnnxRuntime");
    assertEquals(40, Files.readAllLines(first.resolve("mixed.jsonl.out")).size());
    String report = Files.readString(first.resolve("_report.html"));
    assertTrue(report.contains("id=\"bench\""), "no bench section in the run report");
    JsonNode engine = new ObjectMapper().readTree(json.toFile()).get("engines").get(0);
    assertEquals("OnnxRuntime", engine.get("engine").asText());
    assertEquals(40, engine.get("records").asLong());
    assertEquals(8, engine.get("batch_size").asInt());
    // [CLS] + words + [SEP] for each record.
    assertEquals(40 * 41 / 2 + 2 * 40, engine.get("real_tokens").asLong());
    double padding = engine.get("padding_efficiency").asDouble();
    double arrival = engine.get("arrival_order_padding_efficiency").asDouble();
    assertTrue(padding > arrival && padding <= 1, padding + " vs " + arrival);
    assertEquals("fp32", engine.get("dtype").asText());
    assertEquals("onnx/model.onnx", engine.get("weights").asText());
    for (String positive :
        List.of(
            "e2e_records_per_s",
            "steady_records_per_s",
            "ceiling_records_per_s",
            "sorted_tokens_per_s",
            "arrival_order_tokens_per_s",
            "job_overhead_s",
            "first_prediction_s",
            "model_load_s",
            "peak_rss_mb")) {
      assertTrue(engine.get(positive).asDouble() > 0, positive + " in " + engine);
    }
  }

  @Test
  void q8IsMeasuredAgainstFp32InTheSameRunWithItsAccuracy() throws Exception {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("../samples/text/reviews.jsonl"))) {
      if (lines.size() < 12 && !line.isBlank()) {
        lines.add(line);
      }
    }
    Path input = dir.resolve("reviews.jsonl");
    Files.write(input, lines);
    Path json = dir.resolve("bench.json");

    CliRun result =
        CliRun.of(
            "bench",
            "--engines",
            "onnxruntime,pytorch",
            "--dtype",
            "q8",
            "--input",
            input.toString(),
            "--repeats",
            "1",
            "--json",
            json.toString());

    assertEquals(0, result.code(), result.err());
    JsonNode engines = new ObjectMapper().readTree(json.toFile()).get("engines");
    assertEquals(2, engines.size(), engines.toString());
    assertEquals("onnx/model.onnx", engines.get(0).get("weights").asText());
    assertTrue(engines.get(0).path("accuracy_against_fp32").isMissingNode());
    JsonNode q8 = engines.get(1);
    assertEquals("q8", q8.get("dtype").asText());
    assertEquals("onnx/model_quantized.onnx", q8.get("weights").asText());
    assertEquals(1, q8.get("batch_size").asInt(), "q8 runs one sequence per call");
    assertTrue(q8.get("steady_over_fp32").asDouble() > 0);
    JsonNode accuracy = q8.get("accuracy_against_fp32");
    assertEquals("cosine", accuracy.get("measure").asText());
    assertEquals(12, accuracy.get("records").asLong());
    double mean = accuracy.get("mean").asDouble();
    double worst = accuracy.get("worst").asDouble();
    // Short reviews lose more to 8-bit activations (0.989 on these) than paragraphs do.
    assertTrue(worst <= mean && mean < 1 && mean >= 0.98, accuracy.toString());
    assertTrue(
        result.out().contains("onnx/model_quantized.onnx") && result.out().contains("cosine mean"),
        result.out());
    assertTrue(
        result.err().contains("skipping PyTorch in q8: TorchScript weights are fp32 only")
            || result.err().contains("skipping PyTorch: the model has no weights for it"),
        result.err());
  }
}
