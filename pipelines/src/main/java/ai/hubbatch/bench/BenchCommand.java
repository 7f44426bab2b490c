package ai.hubbatch.bench;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.Weights;
import ai.hubbatch.model.engine.WeightsRequest;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code hubbatch bench}: measures a model on each engine over a JSON Lines file and prints the
 * figures as JSON and as a table. Each engine and dtype runs in a child JVM of its own.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures throughput on each engine: end to end through the run pipeline, model only on "
          + "the same batches, and the zero-padding ceiling (the same batches with no padding), "
          + "plus padding efficiency, time to first prediction and peak memory; for each dtype "
          + "asked for, its speed-up and accuracy against fp32."
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

  @Option(
      names = "--dtype",
      split = ",",
      defaultValue = "${sys:HF_DTYPE:-${env:HF_DTYPE:-auto}}",
      description =
          "Dtypes of the ONNX weights to measure, as run's --dtype (env HF_DTYPE; default auto);"
              + " any but fp32 is measured against fp32 in the same run: speed-up and accuracy"
              + " (cosine, or agreement of labels) over the input.")
  List<String> dtypes;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description =
          "Times the whole set of engine runs is repeated, one after the other, keeping the"
              + " fastest of each (default ${DEFAULT-VALUE}); more rounds even out a shared"
              + " machine's drift.")
  int rounds;

  @Option(
      names = "--transformers-js",
      description =
          "Also time transformers.js 4.3.1 on the same folder and input, one record per call, in"
              + " each round (runs scripts/transformersjs-bench.sh: needs Node.js and npm).")
  boolean transformersJs;

  @Option(names = "--json", description = "Also write the JSON report to this file.")
  Path json;

  @Mixin BenchSettings settings;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  /** One child run: an engine on a model folder with weights of one dtype. */
  private record Run(ModelFolder folder, String task, Weights weights) {}

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    List<Run> runs = plan();
    Map<Run, EngineResult> fastest = new LinkedHashMap<>();
    Map<Run, GenerationResult> fastestGenerations = new LinkedHashMap<>();
    Optional<TransformersJs.Result> reference = Optional.empty();
    for (int round = 1; round <= rounds; round++) {
      for (Run run : runs) {
        System.err.printf(
            "hubbatch bench: round %d of %d: %s with %s ...%n",
            round, rounds, run.folder().displayName(), run.weights().describe());
        JsonNode result = runChild(run);
        if (result.has("generatedTokens")) {
          fastestGenerations.merge(
              run,
              Json.MAPPER.treeToValue(result, GenerationResult.class),
              (a, b) -> a.e2eTokensPerSecond() >= b.e2eTokensPerSecond() ? a : b);
        } else {
          fastest.merge(
              run,
              Json.MAPPER.treeToValue(result, EngineResult.class),
              (a, b) -> a.steadyRecordsPerSecond() >= b.steadyRecordsPerSecond() ? a : b);
        }
      }
      if (transformersJs) {
        TransformersJs.Result measured = transformersJs(runs);
        reference = Optional.of(reference.map(r -> r.fastest(measured)).orElse(measured));
      }
    }
    List<EngineResult> results = new ArrayList<>(fastest.values());
    List<GenerationResult> generations = new ArrayList<>(fastestGenerations.values());
    ObjectNode report = report(results, generations, reference);
    String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    out.println(text);
    if (json != null) {
      Files.writeString(json, text + "\n");
    }
    if (!results.isEmpty()) {
      printTable(out, results);
      printPrecisions(out, results, reference);
    }
    if (!generations.isEmpty()) {
      printGenerationTable(out, generations);
    }
    return 0;
  }

  /**
   * The runs: each engine with weights, in each dtype asked for, with fp32 first wherever another
   * dtype is measured, as the reference of its speed-up and accuracy.
   *
   * @throws IllegalArgumentException when the model lacks a dtype asked for, naming those it has
   */
  private List<Run> plan() {
    List<Dtype> asked = dtypes.stream().map(Dtype::parse).distinct().toList();
    List<Run> runs = new ArrayList<>();
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
      Set<Dtype> chosen = new LinkedHashSet<>();
      for (Dtype dtype : asked) {
        if (engine == EngineKind.PYTORCH && dtype != Dtype.AUTO && dtype != Dtype.FP32) {
          System.err.printf(
              "hubbatch bench: skipping %s in %s: TorchScript weights are fp32 only%n",
              engine.djlName(), dtype.label());
          continue;
        }
        chosen.add(request(engine, dtype).choose(folder.get()).dtype());
      }
      if (chosen.stream().anyMatch(d -> d != Dtype.FP32)) {
        runs.add(
            new Run(folder.get(), resolvedTask, request(engine, Dtype.FP32).choose(folder.get())));
        chosen.remove(Dtype.FP32);
      }
      for (Dtype dtype : chosen) {
        runs.add(new Run(folder.get(), resolvedTask, request(engine, dtype).choose(folder.get())));
      }
    }
    return runs;
  }

  private WeightsRequest request(EngineKind engine, Dtype dtype) {
    return new WeightsRequest(Optional.of(engine), dtype, settings.engineSettings());
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
    return engine.dtypes(folder.listFiles()).isEmpty() ? Optional.empty() : Optional.of(folder);
  }

  private JsonNode runChild(Run run) throws Exception {
    EngineKind engine = run.weights().engine();
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
    command.add("--dtype=" + run.weights().dtype().label());
    command.add("--model-folder=" + run.folder().path());
    command.add("--task=" + run.task());
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
          "The " + run.weights().describe() + " run failed (exit " + code + ")");
    }
    return Json.MAPPER.readTree(last);
  }

  /** transformers.js on the ONNX runs' folder, in their dtypes. */
  private TransformersJs.Result transformersJs(List<Run> runs) throws Exception {
    List<Run> onnx =
        runs.stream().filter(r -> r.weights().engine() == EngineKind.ONNX_RUNTIME).toList();
    if (onnx.isEmpty()) {
      throw new ConfigurationException("--transformers-js compares ONNX weights; none ran");
    }
    System.err.println("hubbatch bench: timing transformers.js ...");
    return TransformersJs.run(
        onnx.get(0).folder(),
        Path.of(settings.input),
        onnx.get(0).task(),
        onnx.stream().map(r -> r.weights().dtype()).toList(),
        settings.repeats);
  }

  private ObjectNode report(
      List<EngineResult> results,
      List<GenerationResult> generations,
      Optional<TransformersJs.Result> transformersJsResult) {
    ObjectNode report = Json.MAPPER.createObjectNode();
    report.put("input", settings.input);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("sort_buffer", settings.sortBuffer);
    report.put("repeats", settings.repeats);
    report.put("rounds", rounds);
    report.putPOJO("beam_options", beamArgs);
    ArrayNode engineNodes = report.putArray("engines");
    for (EngineResult r : results) {
      ObjectNode node = engineNodes.addObject();
      node.put("engine", r.engine());
      node.put("dtype", r.dtype());
      node.put("weights", r.weights());
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
      Optional<EngineResult> fp32 = fp32Of(r, results);
      if (r.accuracy() != null && fp32.isPresent()) {
        node.put(
            "steady_over_fp32",
            round(r.steadyRecordsPerSecond() / fp32.get().steadyRecordsPerSecond()));
        node.put(
            "sorted_over_fp32",
            round(r.sortedTokensPerSecond() / fp32.get().sortedTokensPerSecond()));
        ObjectNode accuracy = node.putObject("accuracy_against_fp32");
        accuracy.put("measure", r.accuracy().measure());
        accuracy.put("records", r.accuracy().records());
        accuracy.put("mean", r.accuracy().mean());
        accuracy.put("worst", r.accuracy().worst());
      }
      transformersJsResult
          .flatMap(t -> t.recordsPerSecond(r.dtype()))
          .filter(t -> r.engine().equals(EngineKind.ONNX_RUNTIME.djlName()))
          .ifPresent(
              t -> {
                node.put("transformers_js_records_per_s", round(t));
                node.put("steady_over_transformers_js", round(r.steadyRecordsPerSecond() / t));
              });
    }
    transformersJsResult.ifPresent(t -> report.set("transformers_js", t.json()));
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

  /** The fp32 run of the same engine, the reference of another dtype's run. */
  private static Optional<EngineResult> fp32Of(EngineResult r, List<EngineResult> results) {
    return results.stream()
        .filter(o -> o.engine().equals(r.engine()) && o.dtype().equals(Dtype.FP32.label()))
        .findFirst();
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
        "%n%-12s %-5s %9s %12s %12s %9s %9s %9s %11s %8s %8s %8s %9s%n",
        "engine",
        "dtype",
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
          "%-12s %-5s %9.1f %12.1f %12.0f %9.0f %9.0f %9.0f %11.3f %8.3f %7.2fs %7.1fs %7.0fMB%n",
          r.engine(),
          r.dtype(),
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

  /**
   * Each run's weights file, and for dtypes other than fp32 what they buy and cost against fp32
   * from the same run; with transformers.js, hubbatch's steady rate over its rate per dtype.
   */
  private static void printPrecisions(
      PrintStream out, List<EngineResult> results, Optional<TransformersJs.Result> reference) {
    boolean compared =
        results.stream().anyMatch(r -> r.accuracy() != null) || reference.isPresent();
    out.printf(
        Locale.ROOT,
        "%n%-12s %-5s %-28s %8s %8s %-36s%s%n",
        "engine",
        "dtype",
        "weights",
        "steady x",
        "sorted x",
        "against fp32 over the input",
        reference.isPresent() ? "  transformers.js rec/s  hubbatch x" : "");
    for (EngineResult r : results) {
      Optional<EngineResult> fp32 = fp32Of(r, results);
      boolean ratio = compared && fp32.isPresent();
      Optional<Double> js =
          r.engine().equals(EngineKind.ONNX_RUNTIME.djlName())
              ? reference.flatMap(t -> t.recordsPerSecond(r.dtype()))
              : Optional.empty();
      out.printf(
          Locale.ROOT,
          "%-12s %-5s %-28s %8s %8s %-36s%s%n",
          r.engine(),
          r.dtype(),
          r.weights(),
          ratio
              ? String.format(
                  Locale.ROOT,
                  "%.2f",
                  r.steadyRecordsPerSecond() / fp32.get().steadyRecordsPerSecond())
              : "",
          ratio
              ? String.format(
                  Locale.ROOT,
                  "%.2f",
                  r.sortedTokensPerSecond() / fp32.get().sortedTokensPerSecond())
              : "",
          r.accuracy() == null
              ? (ratio ? "(the reference)" : "")
              : r.accuracy().describe()
                  + String.format(Locale.ROOT, " (%,d)", r.accuracy().records()),
          js.map(
                  t ->
                      String.format(
                          Locale.ROOT, "  %21.1f  %10.2f", t, r.steadyRecordsPerSecond() / t))
              .orElse(""));
    }
    out.println(
        "(steady x, sorted x: steady records/s and engine-only tokens/s over the same engine's fp32"
            + " in this run; against fp32: each record's output against the fp32 weights' output:"
            + " mean and worst cosine, or the share of records whose labels agree"
            + (reference.isPresent()
                ? "; transformers.js: one record per call, same folder, input and dtype; hubbatch"
                    + " x: steady records/s over it"
                : "")
            + ")");
  }
}
