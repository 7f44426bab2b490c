package ai.hubbatch.bench;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.source.DefaultModel;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.source.ModelLocator;
import ai.hubbatch.model.task.TaskInference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code hubbatch bench}: measures a model on each engine over a JSON Lines file and prints the
 * figures as JSON and as a table. Each engine runs in a child JVM of its own.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures throughput on each engine: end to end through the run pipeline, model only on "
          + "the same batches, and the zero-padding ceiling (the same batches with no padding), "
          + "plus padding efficiency, time to first prediction and peak memory."
    })
public final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--model",
      defaultValue = "${env:HF_MODEL_ID}",
      description =
          "Model folder (default: the bundled "
              + DefaultModel.ID
              + "; its PyTorch "
              + "run needs scripts/torchscript-default-model.sh first).")
  String model;

  @Option(
      names = "--task",
      defaultValue = "${env:HF_TASK}",
      description = "Task; inferred when unset.")
  String task;

  @Option(
      names = "--engines",
      split = ",",
      defaultValue = "onnxruntime,pytorch",
      description =
          "Engines to measure (default ${DEFAULT-VALUE}); those without weights are " + "skipped.")
  List<String> engines;

  @Option(names = "--json", description = "Also write the JSON report to this file.")
  Path json;

  @Mixin BenchSettings settings;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    List<EngineResult> results = new ArrayList<>();
    List<GenerationResult> generations = new ArrayList<>();
    for (String name : engines) {
      EngineKind engine = EngineKind.parse(name);
      Optional<ModelFolder> folder = folderFor(engine);
      if (folder.isEmpty()) {
        System.err.printf(
            "hubbatch bench: skipping %s: the model has no weights for it%n", engine.djlName());
        continue;
      }
      String resolvedTask =
          task != null && !task.isBlank()
              ? task
              : TaskInference.infer(folder.get(), Optional.empty());
      System.err.printf(
          "hubbatch bench: measuring %s on %s ...%n", folder.get().displayName(), engine.djlName());
      JsonNode result = runChild(engine, folder.get(), resolvedTask);
      if (result.has("generatedTokens")) {
        generations.add(Json.MAPPER.treeToValue(result, GenerationResult.class));
      } else {
        results.add(Json.MAPPER.treeToValue(result, EngineResult.class));
      }
    }
    ObjectNode report = report(results, generations);
    String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    out.println(text);
    if (json != null) {
      Files.writeString(json, text + "\n");
    }
    if (!results.isEmpty()) {
      printTable(out, results);
    }
    if (!generations.isEmpty()) {
      printGenerationTable(out, generations);
    }
    return 0;
  }

  private Optional<ModelFolder> folderFor(EngineKind engine) {
    boolean defaultModel = model == null || model.isBlank();
    if (defaultModel && engine == EngineKind.PYTORCH) {
      Path pt = DefaultModel.generatedTorchScript();
      return Files.isRegularFile(pt)
          ? Optional.of(DefaultModel.withTorchScript(pt))
          : Optional.empty();
    }
    ModelFolder folder = ModelLocator.locate(model);
    return engine.weights(folder).isPresent() ? Optional.of(folder) : Optional.empty();
  }

  private JsonNode runChild(EngineKind engine, ModelFolder folder, String resolvedTask)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The launcher's first run after a build records a class-data archive at exit; children
      // writing it too would race for the file. They map the archive the parent maps, if any.
      if (!argument.startsWith("-XX:ArchiveClassesAtExit")) {
        command.add(argument);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ai.hubbatch.cli.Main.class.getName());
    command.add("bench-engine");
    command.add("--engine=" + engine.djlName());
    command.add("--model-folder=" + folder.path());
    command.add("--task=" + resolvedTask);
    command.addAll(settings.asArguments());
    command.addAll(beamArgs);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        last = line;
      }
    }
    int code = process.waitFor();
    if (code != 0 || last == null) {
      throw new IllegalStateException(
          "The " + engine.djlName() + " run failed (exit " + code + ")");
    }
    return Json.MAPPER.readTree(last);
  }

  private ObjectNode report(List<EngineResult> results, List<GenerationResult> generations) {
    ObjectNode report = Json.MAPPER.createObjectNode();
    report.put("input", settings.input);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("sort_buffer", settings.sortBuffer);
    report.put("repeats", settings.repeats);
    report.putPOJO("beam_options", beamArgs);
    ArrayNode engineNodes = report.putArray("engines");
    for (EngineResult r : results) {
      ObjectNode node = engineNodes.addObject();
      node.put("engine", r.engine());
      node.put("records", r.records());
      node.put("batch_size", r.batchSize());
      node.put("max_batch_tokens", r.maxBatchTokens());
      node.put("real_tokens", r.realTokens());
      node.put("e2e_records_per_s", round(r.e2eRecordsPerSecond()));
      node.put("e2e_tokens_per_s", round(r.e2eTokensPerSecond()));
      node.put("job_overhead_s", round(r.jobOverheadSeconds()));
      node.put("steady_records_per_s", round(r.steadyRecordsPerSecond()));
      node.put("steady_tokens_per_s", round(r.steadyTokensPerSecond()));
      node.put("sorted_tokens_per_s", round(r.sortedTokensPerSecond()));
      node.put("ceiling_records_per_s", round(r.ceilingRecordsPerSecond()));
      node.put("ceiling_tokens_per_s", round(r.ceilingTokensPerSecond()));
      node.put("arrival_order_tokens_per_s", round(r.arrivalOrderTokensPerSecond()));
      node.put("e2e_over_ceiling", round(r.e2eOverCeiling()));
      node.put("steady_over_ceiling", round(r.steadyOverCeiling()));
      node.put("sorted_over_arrival_order", round(r.sortedOverArrivalOrder()));
      node.put("padding_efficiency", round(r.paddingEfficiency()));
      node.put("arrival_order_padding_efficiency", round(r.arrivalPaddingEfficiency()));
      node.put("prepare_s", round(r.prepareSeconds()));
      node.put("first_prediction_s", round(r.firstPredictionSeconds()));
      node.put("model_load_s", round(r.modelLoadSeconds()));
      node.put("peak_rss_mb", Math.round(r.peakRssMegabytes()));
    }
    for (GenerationResult r : generations) {
      ObjectNode node = engineNodes.addObject();
      node.put("engine", r.engine());
      node.put("task", "generation");
      node.put("records", r.records());
      node.put("prompts", r.prompts());
      node.put("generated_tokens", r.generatedTokens());
      node.put("slots", r.slots());
      node.put("cache_positions", r.cachePositions());
      node.put("e2e_tokens_per_s", round(r.e2eTokensPerSecond()));
      node.put("engine_tokens_per_s", round(r.engineTokensPerSecond()));
      node.put("first_token_s", round(r.firstTokenSeconds()));
      node.put("mean_time_to_first_token_s", round(r.meanTimeToFirstTokenSeconds()));
      node.put("slot_occupancy", round(r.slotOccupancy()));
      node.put("decoding_steps", r.steps());
      node.put("first_prediction_s", round(r.firstPredictionSeconds()));
      node.put("model_load_s", round(r.modelLoadSeconds()));
      node.put("peak_rss_mb", Math.round(r.peakRssMegabytes()));
    }
    return report;
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static void printGenerationTable(PrintStream out, List<GenerationResult> results) {
    out.printf(
        Locale.ROOT,
        "%n%-12s %7s %9s %11s %9s %10s %9s %6s %8s %9s%n",
        "engine",
        "prompts",
        "generated",
        "job tok/s",
        "engine",
        "1st token",
        "mean TTFT",
        "slots",
        "busy",
        "peak RSS");
    for (GenerationResult r : results) {
      out.printf(
          Locale.ROOT,
          "%-12s %7d %9d %11.1f %9.1f %9.2fs %8.2fs %6d %8.3f %7.0fMB%n",
          r.engine(),
          r.prompts(),
          r.generatedTokens(),
          r.e2eTokensPerSecond(),
          r.engineTokensPerSecond(),
          r.firstTokenSeconds(),
          r.meanTimeToFirstTokenSeconds(),
          r.slots(),
          r.slotOccupancy(),
          r.peakRssMegabytes());
    }
    out.println(
        "(generation: job and engine are generated tokens per second through the whole pipeline"
            + " and the decoding stage alone; 1st token and mean TTFT count from the stage call,"
            + " waiting for a slot included; busy is the mean fraction of slots busy per step)");
  }

  private static void printTable(PrintStream out, List<EngineResult> results) {
    out.printf(
        Locale.ROOT,
        "%n%-12s %9s %12s %12s %9s %9s %9s %11s %8s %8s %8s %9s%n",
        "engine",
        "job rec/s",
        "steady rec/s",
        "steady tok/s",
        "sorted",
        "ceiling",
        "arrival",
        "steady/ceil",
        "padding",
        "overhead",
        "1st pred",
        "peak RSS");
    for (EngineResult r : results) {
      out.printf(
          Locale.ROOT,
          "%-12s %9.1f %12.1f %12.0f %9.0f %9.0f %9.0f %11.3f %8.3f %7.2fs %7.1fs %7.0fMB%n",
          r.engine(),
          r.e2eRecordsPerSecond(),
          r.steadyRecordsPerSecond(),
          r.steadyTokensPerSecond(),
          r.sortedTokensPerSecond(),
          r.ceilingTokensPerSecond(),
          r.arrivalOrderTokensPerSecond(),
          r.steadyOverCeiling(),
          r.paddingEfficiency(),
          r.jobOverheadSeconds(),
          r.firstPredictionSeconds(),
          r.peakRssMegabytes());
    }
    out.println(
        "(job: the whole run, fixed cost included; steady: records past the first over the time"
            + " beyond a one-record job's (overhead); sorted, ceiling, arrival: engine-only"
            + " tokens/s for length-sorted batches, the same batches without padding, and batches"
            + " in arrival order)");
  }
}
