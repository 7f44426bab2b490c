package ai.hubbatch.cli;

import ai.hubbatch.io.AssembleWith;
import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.InputFiles;
import ai.hubbatch.io.JobLock;
import ai.hubbatch.io.OutputFolder;
import ai.hubbatch.io.OutputFormat;
import ai.hubbatch.io.ResultsIO;
import ai.hubbatch.io.SplitType;
import ai.hubbatch.io.StorageErrors;
import ai.hubbatch.io.s3.S3Connection;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.Weights;
import ai.hubbatch.model.engine.WeightsRequest;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.source.LocatedModel;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.source.ModelLocator;
import ai.hubbatch.model.task.ModelCode;
import ai.hubbatch.model.task.TaskInference;
import ai.hubbatch.pipeline.BatchStrategy;
import ai.hubbatch.pipeline.InferenceJob;
import ai.hubbatch.pipeline.JobOptions;
import ai.hubbatch.pipeline.JobRunner;
import ai.hubbatch.pipeline.JobSummary;
import ai.hubbatch.pipeline.TransformSettings;
import ai.hubbatch.pipeline.dataprocessing.ContentType;
import ai.hubbatch.pipeline.dataprocessing.JoinSource;
import ai.hubbatch.pipeline.dataprocessing.JsonPath;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "Options not listed here go to Apache Beam and the runner (--targetParallelism, "
          + "--flinkMaster, --parallelism, --sparkMaster, ...)."
    })
class RunCommand implements Callable<Integer> {

  @Option(
      names = {"-i", "--input"},
      arity = "1..*",
      description =
          "Input file, folder, glob or S3 key prefix (s3://bucket/prefix/); repeat "
              + "for more. Required.")
  List<String> inputs;

  @Option(
      names = {"-o", "--output"},
      description = "Output folder or S3 prefix. Required.")
  String output;

  @Option(
      names = "--s3-data-type",
      description =
          "S3Prefix (default) or ManifestFile: each " + "--input is then a SageMaker manifest.")
  String s3DataType;

  @Option(
      names = "--content-type",
      description =
          "application/json (default), application/jsonlines, text/csv, or an image type"
              + " (image/jpeg, image/png, image/tiff, image/bmp, image/gif, image/webp;"
              + " image/x-image for any of them) or audio type: each file is then one record.")
  String contentType;

  @Option(
      names = "--split-type",
      description =
          "Line (default), None (default for image and audio types: one record per file),"
              + " RecordIO or TFRecord.")
  String splitType;

  @Option(names = "--compression", description = "None (default: by extension) or Gzip.")
  String compression;

  @Option(
      names = "--batch-strategy",
      description =
          "SingleRecord or MultiRecord (accepted for SageMaker jobs; records are always batched by"
              + " --batch-size/--max-batch-tokens).")
  String batchStrategy;

  @Option(
      names = "--max-payload-mb",
      description = "Records of this many MiB or more are " + "errors; 0 (default) for no limit.")
  Integer maxPayloadMb;

  @Option(
      names = "--accept",
      description =
          "application/json (default), "
              + "application/jsonlines or text/csv (one row per record).")
  String accept;

  @Option(
      names = "--assemble-with",
      description = "Line (default: one output per line) or " + "None (outputs concatenated).")
  String assembleWith;

  @Option(
      names = "--join-source",
      description = "None (default) or Input: join each output " + "to its input record.")
  String joinSource;

  @Option(
      names = "--input-filter",
      description = "JSONPath (SageMaker's subset) of what the " + "model sees; default $.")
  String inputFilter;

  @Option(
      names = "--output-filter",
      description = "JSONPath of what is written of the " + "(joined) output; default $.")
  String outputFilter;

  @Option(
      names = "--sagemaker-strict",
      description =
          "SageMaker's failure rule: an input with "
              + "any failed record gets no .out, and the job fails (exit 3).")
  boolean sagemakerStrict;

  @Option(
      names = "--s3-endpoint",
      description =
          "S3-compatible endpoint (MinIO, Ceph, ...), "
              + "path-style; default $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL, else AWS.")
  String s3Endpoint;

  @Option(
      names = "--s3-sse",
      description =
          "Server-side encryption of the objects written: AES256 or aws:kms (default: none sent; "
              + "the bucket's default applies).")
  String s3Sse;

  @Option(
      names = "--s3-kms-key-id",
      description = "KMS key (id, ARN or alias) for --s3-sse aws:kms, which it implies.")
  String s3KmsKeyId;

  @Option(names = "--format", defaultValue = "jsonl", description = "jsonl (default) or parquet.")
  String format;

  @Option(
      names = "--resume",
      description =
          "Skip inputs that an earlier run into the same --output completed from the same input"
              + " bytes with the same model and options, and do the rest; the result is the same"
              + " as one uninterrupted run.")
  boolean resume;

  @Mixin InferenceOptions inference;

  @Mixin ReportOptions report;

  @Option(
      names = "--sort-buffer",
      defaultValue = "1024",
      description =
          "Records held per worker and sorted by length before batching "
              + "(default ${DEFAULT-VALUE}).")
  int sortBuffer;

  @Option(
      names = "--max-record-bytes",
      defaultValue = "67108864",
      description = "Longer lines are errors (default ${DEFAULT-VALUE}).")
  int maxRecordBytes;

  @Option(
      names = "--runner",
      defaultValue = "DirectRunner",
      description =
          "DirectRunner (default: this machine), FlinkRunner or SparkRunner; the "
              + "runner's own options pass through (--flinkMaster=host:port, --parallelism=N, "
              + "--sparkMaster=spark://host:7077, ...).")
  String runner;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  private LocatedModel located;
  private Weights weights;

  @Override
  public Integer call() throws Exception {
    beamArgs.add(0, Runner.parse(runner).beamOption());
    if (inputs == null || inputs.isEmpty() || output == null) {
      throw new ConfigurationException(
          "Missing "
              + (output == null && inputs != null ? "--output" : "--input")
              + ": say what to read and where to write");
    }
    PipelineOptions options = beamOptions();
    boolean s3 = touchesS3();
    boolean endpointGiven =
        IoChecks.given(
                () ->
                    S3Connection.configure(
                        options, Optional.ofNullable(s3Endpoint), System.getenv()))
            .isPresent();
    if (!endpointGiven && !s3) {
      S3Connection.skipRegionLookup(options, beamArgs);
    }
    IoChecks.given(
        () -> {
          S3Connection.encryption(
              options, Optional.ofNullable(s3Sse), Optional.ofNullable(kmsKeyId()));
          return null;
        });
    FileSystems.setDefaultPipelineOptions(options);
    // Everything that can be checked before the model loads is, so a mistake costs seconds.
    if (s3) {
      IoChecks.given(
          () -> {
            S3Connection.checkCredentials(options);
            return null;
          });
    }
    OutputFolder folder = IoChecks.given(() -> OutputFolder.at(output));
    try (JobLock lock = IoChecks.given(() -> claim(folder))) {
      InferenceJob job = job();
      PrintStream err = System.err;
      err.printf(
          "hubbatch: %s, task %s, weights %s; %d input file(s) -> %s%n",
          located.describe(),
          job.model().task(),
          weights.describe(),
          job.inputs().size(),
          job.output());
      err.printf("hubbatch: %s%n", job.transform().mapping());
      err.printf(
          "hubbatch: records sorted by length over %d at a time; batch limits %s%n",
          sortBuffer,
          job.sizing().maxItems() != null && job.sizing().maxCost() != null
              ? "as given"
              : "sized for each worker's device (logged when the model loads)");
      JobSummary summary = JobRunner.run(job, options, err, lock, resume);
      summary.print(System.out, job.output() + ResultsIO.ERRORS_FILE, weights.describe());
      int code = exitCode(summary, err);
      report.write(job, located, options, summary, code, err);
      return code;
    }
  }

  private static int exitCode(JobSummary summary, PrintStream err) {
    if (summary.state() != PipelineResult.State.DONE) {
      return Main.JOB_FAILED;
    }
    if (summary.objectsFailed() > 0) {
      err.printf(
          "hubbatch: the job failed: %d input(s) had failed records and got no output "
              + "(--sagemaker-strict)%n",
          summary.objectsFailed());
      return Main.JOB_FAILED;
    }
    return summary.failed() > 0 ? Main.RECORDS_FAILED : 0;
  }

  /** The KMS key for SSE-KMS: the option, else the transform job's {@code KmsKeyId}. */
  String kmsKeyId() {
    return s3KmsKeyId;
  }

  /**
   * Locks the output folder, which proves it can be written: a folder another job holds, a path
   * that is a file, a folder that cannot be written or a missing bucket are refused here.
   */
  private static JobLock claim(OutputFolder folder) throws IOException {
    try {
      return folder.lock(UUID.randomUUID().toString());
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException || !StorageErrors.concerns(e)) {
        throw e;
      }
      throw StorageErrors.explain("Cannot write into the output " + folder.uri(), e);
    }
  }

  /**
   * Whether the job may read or write S3: an S3 input, output or model, or a manifest, whose
   * entries may name S3 objects whatever its own path.
   */
  private boolean touchesS3() {
    String model = inference.model() != null ? inference.model() : System.getenv("HF_MODEL_ID");
    List<String> paths = new ArrayList<>(inputs == null ? List.of() : inputs);
    paths.add(output);
    paths.add(model);
    return "ManifestFile".equalsIgnoreCase(s3DataType == null ? "" : s3DataType.trim())
        || paths.stream()
            .anyMatch(p -> p != null && p.trim().toLowerCase(Locale.ROOT).startsWith("s3://"));
  }

  /** Resolves everything before the pipeline exists, so mistakes fail in seconds. */
  InferenceJob job() throws Exception {
    List<InputFile> files = IoChecks.given(this::listInputsExplained);
    WeightsRequest requested = inference.weights();
    try {
      located =
          ModelLocator.fromEnvironment().locate(inference.model(), inference.revision(), requested);
    } catch (IOException | UncheckedIOException e) {
      throw IoChecks.configuration(
          StorageErrors.explain(
              "Cannot fetch the model "
                  + (inference.model() == null ? "(the default)" : inference.model())
                  + " (check the name, the network, or HF_HUB_OFFLINE=1 with a filled cache)",
              e instanceof UncheckedIOException unchecked
                  ? unchecked.getCause()
                  : (IOException) e));
    }
    ModelFolder folder = located.folder();
    boolean trusted = inference.trustModelCode();
    // Before any of its classes loads: a model with code the user did not allow stops here.
    ModelCode.inspect(folder, trusted);
    String resolvedTask =
        inference.task() != null
            ? TaskInference.canonical(inference.task())
            : TaskInference.infer(folder, located.pipelineTagIfAny());
    try (ModelCode code = ModelCode.load(folder, trusted)) {
      code.factory(resolvedTask); // the jars' providers and the task, checked before any worker
      if (!code.tasks().isEmpty()) {
        System.err.printf(
            "hubbatch: the model's code provides %s (trusted)%n",
            String.join(", ", code.tasks().keySet()));
      }
    }
    weights = requested.choose(folder);
    // Workers locate the model themselves: the resolved commit (or archive digest) pins it, and
    // the resolved engine and dtype pick the same weights file on every worker.
    ModelSpec spec =
        new ModelSpec(
            located.reference(),
            resolvedTask,
            weights.engine().djlName(),
            requested.settings(),
            located.revision(),
            weights.dtype(),
            inference.mediaLimits(),
            trusted);
    String out = output.endsWith("/") ? output : output + "/";
    return new InferenceJob(
        files,
        out,
        IoChecks.given(() -> OutputFormat.parse(format)),
        spec,
        inference.sizing(),
        sortBuffer,
        maxRecordBytes,
        IoChecks.given(this::settings));
  }

  private List<InputFile> listInputsExplained() throws Exception {
    try {
      return listInputs();
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException || !StorageErrors.concerns(e)) {
        throw e;
      }
      throw StorageErrors.explain("Cannot list the input " + String.join(", ", inputs), e);
    }
  }

  private List<InputFile> listInputs() throws Exception {
    String dataType = s3DataType == null ? "S3Prefix" : s3DataType.trim();
    if (dataType.equalsIgnoreCase("S3Prefix")) {
      return InputFiles.expand(inputs);
    }
    if (!dataType.equalsIgnoreCase("ManifestFile")) {
      throw new ConfigurationException(
          "Unknown --s3-data-type '" + s3DataType + "': use S3Prefix or ManifestFile");
    }
    if (inputs.size() != 1) {
      throw new ConfigurationException("--s3-data-type ManifestFile takes one manifest");
    }
    return InputFiles.fromManifest(inputs.get(0));
  }

  /** The job's defaults: JSON Lines for {@code run}, the job file for {@code transform}. */
  TransformSettings defaultSettings() {
    return TransformSettings.jsonLines();
  }

  /** The defaults with every option given on the command line applied over them. */
  private TransformSettings settings() {
    TransformSettings d = defaultSettings();
    String stated = compression == null ? null : compression.trim();
    Compression compressionType =
        stated == null
            ? d.compression()
            : stated.equalsIgnoreCase("Gzip")
                ? Compression.GZIP
                : stated.equalsIgnoreCase("None") ? Compression.AUTO : null;
    if (compressionType == null) {
      throw new ConfigurationException(
          "Unknown --compression '" + compression + "': use None or Gzip");
    }
    ContentType records = contentType == null ? d.contentType() : ContentType.parse(contentType);
    // An image or audio file is one record, as SageMaker's default split type has it.
    SplitType split =
        splitType != null
            ? SplitType.parse(splitType)
            : contentType != null && records.binary() ? SplitType.NONE : d.splitType();
    return new TransformSettings(
        records,
        split,
        batchStrategy == null ? d.batchStrategy() : BatchStrategy.parse(batchStrategy),
        maxPayloadMb == null ? d.maxPayloadMb() : maxPayloadMb,
        accept == null ? d.accept() : ContentType.parseAccept(accept),
        assembleWith == null ? d.assembleWith() : AssembleWith.parse(assembleWith),
        joinSource == null ? d.joinSource() : JoinSource.parse(joinSource),
        inputFilter == null ? d.inputFilter() : JsonPath.parse(inputFilter, "--input-filter"),
        outputFilter == null ? d.outputFilter() : JsonPath.parse(outputFilter, "--output-filter"),
        compressionType,
        sagemakerStrict || d.allOrNothing());
  }

  private PipelineOptions beamOptions() {
    return JobOptions.parse(beamArgs);
  }
}
