package ai.hubbatch.pipeline;

import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.OutputFormat;
import ai.hubbatch.io.ParquetColumn;
import ai.hubbatch.io.RecordsIO;
import ai.hubbatch.io.ResultRecord;
import ai.hubbatch.io.ResultsIO;
import ai.hubbatch.io.SplitType;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.task.OutputColumn;
import ai.hubbatch.pipeline.dataprocessing.RecordMapping;
import ai.hubbatch.stats.JobStatsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The batch-inference pipeline: list inputs, read records, predict in batches, write one output per
 * input and one errors file, and merge the predict step's statistics into one file ({@link
 * #statsFile}) for the run report.
 *
 * <pre>{@code
 * ResultsIO.Write write = InferencePipeline.sink(job);
 * InferencePipeline.build(pipeline, job, write);
 * pipeline.run().waitUntilFinish();
 * write.cleanUp();
 * }</pre>
 */
public final class InferencePipeline {

  private InferencePipeline() {}

  /** The job's sink, before its job id, digest and complete inputs are set ({@link JobRunner}). */
  public static ResultsIO.Write sink(InferenceJob job) {
    TransformSettings transform = job.transform();
    return ResultsIO.write()
        .to(job.output())
        .withInputs(job.inputs())
        .withFormat(job.format())
        .withParquetColumns(job.format() == OutputFormat.PARQUET ? columns(job.model()) : List.of())
        .withAssembleWith(transform.assembleWith())
        .withAllOrNothing(transform.allOrNothing())
        .withJobDigest(job.digest());
  }

  /**
   * Adds the job's steps to the pipeline: the inputs the sink has still to write ({@link
   * ResultsIO.Write#pending()}) are read, scored and written; complete ones are not read at all.
   */
  public static void build(Pipeline pipeline, InferenceJob job, ResultsIO.Write write) {
    List<InputFile> pending = write.pending();
    if (pending.isEmpty()) {
      // Resumed with every input complete: the sink only writes the errors file; no model loads.
      pipeline.apply("NothingLeft", Create.empty(ResultRecord.Coder.of())).apply("Write", write);
      return;
    }
    PCollection<InputFile> inputs =
        wholeMediaObjects(job)
            ? groupedInputs(pipeline, pending, job.sortBuffer())
            : pipeline.apply(
                "ListInputs", Create.of(pending).withCoder(SerializableCoder.of(InputFile.class)));
    if (pending.size() > 1 && !wholeMediaObjects(job)) {
      // One file per worker bundle, so files are read and scored in parallel. A single file
      // has nothing to spread, and the shuffle would only delay its first record.
      inputs = inputs.apply("SpreadFiles", Reshuffle.viaRandomKey());
    }
    PCollectionTuple predicted =
        inputs
            .apply("Read", read(job))
            .apply(
                "Predict",
                ParDo.of(new PredictFn(job))
                    .withOutputTags(PredictFn.RESULTS, TupleTagList.of(PredictFn.STATS)));
    predicted.get(PredictFn.RESULTS).setCoder(ResultRecord.Coder.of()).apply("Write", write);
    predicted
        .get(PredictFn.STATS)
        .setCoder(JobStatsFile.coder())
        .apply("Stats", JobStatsFile.write(statsFile(write)));
  }

  /**
   * Where the job leaves its merged {@link ai.hubbatch.stats.JobStats}: in the sink's temporary
   * folder, so the sink's clean-up removes it. Read it after the pipeline finished and before
   * {@link ResultsIO.Write#cleanUp()}.
   */
  public static String statsFile(ResultsIO.Write write) {
    return write.tempDirectory() + "stats";
  }

  /** The reader for the job's split type, compression, payload limit and content type. */
  static RecordsIO.Read read(InferenceJob job) {
    TransformSettings transform = job.transform();
    RecordMapping mapping = transform.mapping();
    RecordsIO.Read read =
        RecordsIO.read()
            .withSplitType(transform.splitType())
            .withCompression(transform.compression())
            .withMaxRecordBytes(job.maxRecordBytes())
            .withMaxPayloadMb(transform.maxPayloadMb())
            .withEndMarkers();
    if (mapping.binaryRecords()) {
      read = read.withBinaryRecords();
    }
    if (wholeMediaObjects(job)) {
      read = read.withDeferredObjects();
    }
    if (mapping.csvLines()) {
      read = read.withHeaderLine(RecordMapping::isCsvHeader);
    }
    return read;
  }

  /**
   * Whether each input file is one image or audio record (SplitType None). Such a job reads its
   * files where it scores them ({@link RecordsIO.Read#withDeferredObjects()}), and lists them in
   * groups, so that a step sees many files at once to batch, and a runner that finishes each step
   * before the next holds file names between them, not file contents: a folder of any size streams.
   */
  static boolean wholeMediaObjects(InferenceJob job) {
    return job.transform().mapping().binaryRecords()
        && job.transform().splitType() == SplitType.NONE;
  }

  /**
   * The inputs in groups of up to the sort buffer's size, each group spread to a worker as one
   * element and listed there as one bundle.
   */
  private static PCollection<InputFile> groupedInputs(
      Pipeline pipeline, List<InputFile> inputs, int groupSize) {
    List<List<InputFile>> groups = new ArrayList<>();
    for (int start = 0; start < inputs.size(); start += groupSize) {
      int end = Math.min(inputs.size(), start + groupSize);
      groups.add(new ArrayList<>(inputs.subList(start, end)));
    }
    PCollection<List<InputFile>> listed =
        pipeline.apply(
            "ListInputs",
            Create.of(groups).withCoder(ListCoder.of(SerializableCoder.of(InputFile.class))));
    if (groups.size() > 1) {
      listed = listed.apply("SpreadFiles", Reshuffle.viaRandomKey());
    }
    return listed
        .apply("Files", Flatten.iterables())
        .setCoder(SerializableCoder.of(InputFile.class));
  }

  /**
   * The typed Parquet columns the task declares for its outputs; a trusted model's code is asked
   * for its own task's.
   */
  static List<ParquetColumn> columns(ModelSpec model) {
    List<OutputColumn> declared;
    try {
      declared = LoadedModel.outputColumns(model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return declared.stream().map(InferencePipeline::column).toList();
  }

  private static ParquetColumn column(OutputColumn column) {
    return new ParquetColumn(
        column.name(),
        type(column.kind()),
        column.pointer(),
        column.fields().stream().map(InferencePipeline::column).toList());
  }

  private static ParquetColumn.Type type(OutputColumn.Kind kind) {
    return switch (kind) {
      case FLOAT_VECTOR -> ParquetColumn.Type.FLOAT_VECTOR;
      case FLOAT_MATRIX -> ParquetColumn.Type.FLOAT_MATRIX;
      case STRING -> ParquetColumn.Type.STRING;
      case DOUBLE -> ParquetColumn.Type.DOUBLE;
      case LONG -> ParquetColumn.Type.LONG;
      case BASE64_BYTES -> ParquetColumn.Type.BASE64_BYTES;
      case STRUCT -> ParquetColumn.Type.STRUCT;
      case STRUCT_LIST -> ParquetColumn.Type.STRUCT_LIST;
    };
  }
}
