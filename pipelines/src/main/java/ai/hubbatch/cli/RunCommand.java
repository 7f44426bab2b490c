package ai.hubbatch.cli;

import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.InputFiles;
import ai.hubbatch.io.OutputFormat;
import ai.hubbatch.io.ResultsIO;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.source.DefaultModel;
import ai.hubbatch.model.source.LocatedModel;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.source.ModelLocator;
import ai.hubbatch.model.task.TaskInference;
import ai.hubbatch.model.task.Tasks;
import ai.hubbatch.pipeline.InferenceJob;
import ai.hubbatch.pipeline.JobRunner;
import ai.hubbatch.pipeline.JobSummary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code hubbatch run}: scores JSON Lines files with a model through the Beam pipeline. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a model task over JSON Lines records ({\"inputs\": ..., \"parameters\": {...}} per "
          + "line) and writes one <input>.out per input file, in input order, plus "
          + "_errors.jsonl for records that failed.",
      "Options not listed here (--runner, --targetParallelism, ...) go to Apache Beam."
    })
final class RunCommand implements Callable<Integer> {

  @Option(names = {"-i", "--input"}, required = true, arity = "1..*",
      description = "Input file, folder or glob; repeat for more.")
  List<String> inputs;

  @Option(names = {"-o", "--output"}, required = true, description = "Output folder.")
  String output;

  @Option(names = "--format", defaultValue = "jsonl",
      description = "jsonl (default) or parquet.")
  String format;

  @Option(names = "--task", defaultValue = "${sys:HF_TASK:-${env:HF_TASK}}",
      description = "Task name (env HF_TASK); inferred from the model when unset.")
  String task;

  @Option(names = "--model", defaultValue = "${sys:HF_MODEL_ID:-${env:HF_MODEL_ID}}",
      description = "Hub model id (org/name), model folder, or model.tar.gz (path or URI such "
          + "as s3://...) (env HF_MODEL_ID); default: $SM_MODEL_DIR or /opt/ml/model when "
          + "present, else " + DefaultModel.ID + ", bundled.")
  String model;

  @Option(names = "--revision",
      defaultValue = "${sys:HF_MODEL_REVISION:-${env:HF_MODEL_REVISION}}",
      description = "Branch, tag or commit of a Hub model (env HF_MODEL_REVISION); default main.")
  String revision;

  @Option(names = "--engine", defaultValue = "auto",
      description = "auto (TorchScript if the model has it, else ONNX), pytorch or onnxruntime.")
  String engine;

  @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto.")
  String device;

  @Option(names = "--batch-size", defaultValue = "32",
      description = "Most sequences per engine call (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-batch-tokens", defaultValue = "8192",
      description = "Most padded tokens (longest x count) per engine call "
          + "(default ${DEFAULT-VALUE}).")
  int maxBatchTokens;

  @Option(names = "--sort-buffer", defaultValue = "1024",
      description = "Records held per worker and sorted by length before batching "
          + "(default ${DEFAULT-VALUE}).")
  int sortBuffer;

  @Option(names = "--max-record-bytes", defaultValue = "67108864",
      description = "Longer lines are errors (default ${DEFAULT-VALUE}).")
  int maxRecordBytes;

  @Option(names = "--intra-op-threads", defaultValue = "0",
      description = "Threads per operator; 0 = engine default.")
  int intraOpThreads;

  @Option(names = "--inter-op-threads", defaultValue = "0",
      description = "Operators run at once; 0 = engine default.")
  int interOpThreads;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  private LocatedModel located;

  @Override
  public Integer call() throws Exception {
    PipelineOptions options = beamOptions();
    FileSystems.setDefaultPipelineOptions(options);
    InferenceJob job = job();
    PrintStream err = System.err;
    err.printf("hubbatch: %s, task %s; %d input file(s) -> %s%n", located.describe(),
        job.model().task(), job.inputs().size(), job.output());
    err.printf("hubbatch: batches of up to %d sequences and %d padded tokens, sorted over %d "
        + "records%n", batchSize, maxBatchTokens, sortBuffer);
    JobSummary summary = JobRunner.run(job, options, err);
    summary.print(System.out, job.output() + ResultsIO.ERRORS_FILE);
    if (summary.state() != PipelineResult.State.DONE) {
      return Main.JOB_FAILED;
    }
    return summary.failed() > 0 ? Main.RECORDS_FAILED : 0;
  }

  /** Resolves everything before the pipeline exists, so mistakes fail in milliseconds. */
  InferenceJob job() throws Exception {
    List<InputFile> files = InputFiles.expand(inputs);
    Optional<EngineKind> requested =
        engine.equalsIgnoreCase("auto") ? Optional.empty() : Optional.of(EngineKind.parse(engine));
    located = ModelLocator.fromEnvironment().locate(model, revision, requested);
    ModelFolder folder = located.folder();
    String resolvedTask = task != null && !task.isBlank()
        ? TaskInference.canonical(task) : TaskInference.infer(folder, located.pipelineTagIfAny());
    Tasks.factory(resolvedTask);
    EngineKind chosen = EngineKind.select(folder, requested);
    EngineSettings settings = new EngineSettings(device, intraOpThreads, interOpThreads);
    // Workers locate the model themselves: the resolved commit (or archive digest) pins it.
    ModelSpec spec = new ModelSpec(located.reference(), resolvedTask, chosen.djlName(), settings,
        located.revision());
    String out = output.endsWith("/") ? output : output + "/";
    return new InferenceJob(files, out, OutputFormat.parse(format), spec,
        new BatchLimits(batchSize, maxBatchTokens), sortBuffer, maxRecordBytes);
  }

  private PipelineOptions beamOptions() {
    for (String arg : beamArgs) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument '" + arg + "' (Beam options "
            + "are written --name=value)");
      }
    }
    PipelineOptions options = PipelineOptionsFactory.fromArgs(beamArgs.toArray(new String[0]))
        .withValidation().create();
    if (options.getRunner().getSimpleName().equals("DirectRunner")) {
      DirectOptions direct = options.as(DirectOptions.class);
      // Progress is shown while the job runs, so run() must not block.
      direct.setBlockOnRun(false);
      // Checks that re-encode every element: for tests of new transforms, not for jobs.
      if (!beamArgs.stream().anyMatch(a -> a.startsWith("--enforce"))) {
        direct.setEnforceImmutability(false);
        direct.setEnforceEncodability(false);
      }
    }
    return options;
  }
}
