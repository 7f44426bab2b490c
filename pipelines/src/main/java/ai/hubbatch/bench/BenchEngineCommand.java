package ai.hubbatch.bench;

import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.OutputFormat;
import ai.hubbatch.io.s3.S3Connection;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.Weights;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.inference.EngineBench;
import ai.hubbatch.model.inference.GenerationBench;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.PendingRequest;
import ai.hubbatch.model.inference.SharedModels;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.source.ModelLocator;
import ai.hubbatch.pipeline.InferenceJob;
import ai.hubbatch.pipeline.JobOptions;
import ai.hubbatch.pipeline.JobRunner;
import ai.hubbatch.pipeline.JobSummary;
import ai.hubbatch.pipeline.LocalProgress;
import ai.hubbatch.report.Block;
import ai.hubbatch.report.FinishedRun;
import ai.hubbatch.report.ReportFile;
import ai.hubbatch.report.ReportPage;
import ai.hubbatch.report.RunReport;
import ai.hubbatch.report.RunReports;
import ai.hubbatch.report.Section;
import ai.hubbatch.stats.PeakMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * One engine's measurements, in a JVM of its own so start-up time and peak memory are this engine's
 * alone. Started by {@link BenchCommand}; prints one JSON line.
 */
@Command(name = "bench-engine", hidden = true)
public final class BenchEngineCommand implements Callable<Integer> {

  @Option(names = "--engine", required = true)
  String engine;

  @Option(names = "--model-folder", required = true)
  String modelFolder;

  @Option(names = "--task", required = true)
  String task;

  @Option(names = "--dtype", defaultValue = "auto")
  String dtype;

  @Mixin BenchSettings settings;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    Instant started = Instant.now();
    PipelineOptions options = JobOptions.parse(beamArgs);
    // The input and the model folder are local files.
    S3Connection.skipRegionLookup(options, beamArgs);
    FileSystems.setDefaultPipelineOptions(options);
    ModelSpec spec =
        new ModelSpec(modelFolder, task, engine, settings.engineSettings())
            .withDtype(Dtype.parse(dtype));
    BatchSizing sizing = settings.sizing();
    Path input = Path.of(settings.input).toAbsolutePath();
    Path scratch = Files.createTempDirectory("hubbatch-bench");
    Path oneRecord = scratch.resolve("one-record.jsonl");
    Files.writeString(oneRecord, firstRecord(input) + "\n");
    // The first job is what `hubbatch run` over the input does: its outputs and report stay.
    Path output = Path.of(settings.output).toAbsolutePath().resolve(engine);
    InferenceJob firstJob = job(input, output, spec, sizing);
    InferenceJob job = job(input, scratch.resolve("out"), spec, sizing);
    // A job's fixed cost (starting the pipeline, listing and finalizing files) is what this
    // one-record job takes; the full job's time less it is what its records cost.
    InferenceJob fixedCost = job(oneRecord, scratch.resolve("out-one"), spec, sizing);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    // The first run is what `hubbatch run` over the input does in a fresh JVM: it loads the
    // model and warms the JIT and the engine's allocator. Its peak memory is the job's; later
    // runs in this JVM only add to the heap a single job never grows.
    JobSummary first = JobRunner.run(firstJob, options, quiet);
    Instant firstFinished = Instant.now();
    double firstPrediction = (LocalProgress.firstBatchMillis() - jvmStart) / 1000.0;
    OptionalLong peakBytes = PeakMemory.bytes();
    double peakRss = peakBytes.isPresent() ? peakBytes.getAsLong() / (1024.0 * 1024.0) : -1;

    LoadedModel model = SharedModels.get(spec);
    BatchLimits limits = sizing.resolve(model);
    List<PendingRequest> requests = new ArrayList<>();
    long prepareStart = System.nanoTime();
    try (BatchPredictor predictor = model.newPredictor(limits, InferenceListener.NONE)) {
      for (String line : records(input)) {
        requests.add(predictor.prepare(line));
      }
    }
    double prepare = (System.nanoTime() - prepareStart) / 1e9;
    if (model.task().stage() instanceof GenerationStage) {
      GenerationResult result =
          generation(job, options, model, requests, limits, first, firstPrediction, peakRss);
      System.out.println(Json.MAPPER.writeValueAsString(result));
      System.out.flush();
      deleteTree(scratch);
      return 0;
    }

    double e2e = Double.MAX_VALUE;
    double overhead = Double.MAX_VALUE;
    Map<EngineBench.Batches, EngineBench.Figures> fastest =
        new EnumMap<>(EngineBench.Batches.class);
    for (int i = 0; i < settings.repeats; i++) {
      // Interleaved, so drift on the machine touches the pipeline and every kind of batch alike.
      JobSummary measured = JobRunner.run(job, options, quiet);
      if (measured.failed() > 0) {
        System.err.println("hubbatch bench: " + measured.failed() + " records failed");
      }
      e2e = Math.min(e2e, measured.seconds());
      overhead = Math.min(overhead, JobRunner.run(fixedCost, options, quiet).seconds());
      for (EngineBench.Batches batches : EngineBench.Batches.values()) {
        EngineBench.Figures figures =
            EngineBench.measure(model, requests, limits, settings.sortBuffer, batches);
        fastest.merge(batches, figures, (a, b) -> a.seconds() <= b.seconds() ? a : b);
      }
    }
    EngineBench.Figures sorted = fastest.get(EngineBench.Batches.SORTED);
    EngineBench.Figures arrival = fastest.get(EngineBench.Batches.ARRIVAL_ORDER);
    Weights weights = model.weights();
    // What the precision costs: the same records through the fp32 weights, after every timing.
    Accuracy accuracy =
        weights.dtype() == Dtype.FP32
            ? null
            : Accuracy.compare(
                SharedModels.get(spec.withDtype(Dtype.FP32)), model, records(input), limits);
    EngineResult result =
        new EngineResult(
            weights.engine().djlName(),
            weights.dtype().label(),
            weights.main(),
            first.read(),
            sorted.realTokens(),
            e2e,
            overhead,
            sorted.seconds(),
            fastest.get(EngineBench.Batches.ZERO_PADDING).seconds(),
            arrival.seconds(),
            sorted.paddingEfficiency(),
            arrival.paddingEfficiency(),
            prepare,
            firstPrediction,
            model.loadMillis() / 1000.0,
            peakRss,
            limits.maxItems(),
            limits.maxCost(),
            accuracy);
    if (!settings.noReport) {
      report(firstJob, options, first, started, firstFinished, result);
    }
    System.out.println(Json.MAPPER.writeValueAsString(result));
    System.out.flush();
    deleteTree(scratch);
    return 0;
  }

  /** The first job's run report, with this engine's bench figures as a section of their own. */
  private void report(
      InferenceJob job,
      PipelineOptions options,
      JobSummary summary,
      Instant started,
      Instant finished,
      EngineResult result)
      throws IOException {
    ModelFolder folder = ModelLocator.locate(modelFolder);
    String weights = job.model().weights().choose(folder).describe();
    FinishedRun run =
        new FinishedRun(
            "bench",
            command.commandLine().getParseResult().originalArgs(),
            System.getenv(),
            job,
            new FinishedRun.ModelInfo(folder.displayName(), null, weights),
            options.getRunner().getSimpleName(),
            started,
            finished,
            summary.failed() > 0 ? 1 : 0,
            summary);
    List<Block.Fact> figures = new ArrayList<>();
    Json.MAPPER
        .valueToTree(result)
        .fields()
        .forEachRemaining(
            field -> figures.add(new Block.Fact(field.getKey(), field.getValue().asText(), false)));
    RunReport report =
        RunReports.build(run)
            .withSection(
                new Section(
                    "bench",
                    "Bench figures",
                    List.of(
                        new Block.Note(
                            "This engine's figures from hubbatch bench (see docs/throughput.md):"
                                + " the sections above describe its first job, a fresh JVM's run"
                                + " of the pipeline over the input."),
                        new Block.Facts(figures))));
    System.err.println(
        "hubbatch bench: run report " + ReportFile.write(job.output(), ReportPage.render(report)));
  }

  /**
   * Generation's figures: the job again and the decoding stage alone over every prompt, {@code
   * --repeats} times interleaved, the fastest of each.
   */
  private GenerationResult generation(
      InferenceJob job,
      PipelineOptions options,
      LoadedModel model,
      List<PendingRequest> requests,
      BatchLimits limits,
      JobSummary first,
      double firstPrediction,
      double peakRss)
      throws java.io.IOException {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    double e2e = Double.MAX_VALUE;
    GenerationBench.Figures fastest = null;
    for (int i = 0; i < settings.repeats; i++) {
      JobSummary measured = JobRunner.run(job, options, quiet);
      if (measured.failed() > 0) {
        System.err.println("hubbatch bench: " + measured.failed() + " records failed");
      }
      e2e = Math.min(e2e, measured.seconds());
      GenerationBench.Figures figures = GenerationBench.measure(model, requests, limits);
      if (fastest == null || figures.seconds() < fastest.seconds()) {
        fastest = figures;
      }
    }
    return new GenerationResult(
        "OnnxRuntime",
        first.read(),
        fastest.prompts(),
        fastest.generatedTokens(),
        e2e,
        fastest.seconds(),
        fastest.firstTokenSeconds(),
        fastest.meanTimeToFirstTokenSeconds(),
        fastest.slotOccupancy(),
        fastest.steps(),
        firstPrediction,
        model.loadMillis() / 1000.0,
        peakRss,
        limits.maxItems(),
        limits.maxCost());
  }

  private InferenceJob job(Path input, Path output, ModelSpec spec, BatchSizing sizing) {
    return new InferenceJob(
        List.of(new InputFile(0, input.toString(), input.getFileName().toString())),
        output + "/",
        OutputFormat.JSONL,
        spec,
        sizing,
        settings.sortBuffer,
        64 << 20);
  }

  private static List<String> records(Path input) throws java.io.IOException {
    return Files.readAllLines(input).stream().filter(line -> !line.isBlank()).toList();
  }

  private static String firstRecord(Path input) throws java.io.IOException {
    try (var lines = Files.lines(input)) {
      return lines
          .filter(line -> !line.isBlank())
          .findFirst()
          .orElseThrow(() -> new ConfigurationException(input + " has no records"));
    }
  }

  private static void deleteTree(Path folder) throws java.io.IOException {
    try (var files = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
