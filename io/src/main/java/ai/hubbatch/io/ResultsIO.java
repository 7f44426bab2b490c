package ai.hubbatch.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Writes each input file's results to its own output file, in input order, commits each input with
 * a record of what it holds, and gathers every error into one errors file, following the protocol
 * of {@link OutputFolder}.
 *
 * <pre>{@code
 * ResultsIO.Write write = ResultsIO.write().to("out/").withInputs(files);
 * results.apply(write);
 * pipeline.run().waitUntilFinish();
 * write.cleanUp();
 * }</pre>
 *
 * <p>For input {@code a.jsonl} the output is {@code out/a.jsonl.out} (each record's output followed
 * by a newline, or by nothing with {@link AssembleWith#NONE}) or {@code out/a.jsonl.parquet};
 * failed records go to its commit record and to {@code out/_errors.jsonl} as {@code
 * {"file":..,"line":..,"reason":..,"record":..}} ({@code "offset"} instead of {@code "line"} for
 * framed records), ordered by file and position. Every input gets an output file, an empty one if
 * it had no records. With {@link Write#withAllOrNothing} an input with any failed record gets no
 * output at all, as in SageMaker. Inputs named in {@link Write#withComplete} were committed by an
 * earlier job and are left as they are ({@code --resume}); their records must not be in the input.
 *
 * <p>How it works on any runner, with bounded memory: results are grouped into chunks of
 * consecutive lines of one file; each chunk is sorted and written as a part file; then each input's
 * parts are streamed, in order, into a temporary output and its commit record, which are moved into
 * place as the protocol says. Every step can run again (runners retry bundles) and writes the same
 * bytes. The last step writes the errors file from the commit records.
 *
 * <p>What was written, per input, comes back two ways: as the transform's output ({@link
 * WrittenFile}s, this job's inputs), and, for the program that ran the pipeline, from {@link
 * Write#writtenFiles()} once it finished (every input, complete ones included). The last step
 * leaves that report in the job's temporary folder, so it is exact on every runner, unlike metrics,
 * which some runners report only as attempted or not at all.
 *
 * <p>The sink does not lock the folder: the program running the job holds {@link OutputFolder#lock}
 * around it and calls {@link OutputFolder#begin} before the pipeline runs.
 */
public final class ResultsIO {

  /** Name of the errors file in the output folder. */
  public static final String ERRORS_FILE = OutputFolder.ERRORS_FILE;

  /** Metric: inputs that got no output because {@link Write#withAllOrNothing} withheld it. */
  public static final String OBJECTS_FAILED = "objects_failed";

  /** The report of what was written, in the write's temporary folder. */
  private static final String REPORT = "written.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultsIO() {}

  public static Write write() {
    return new Write(
        new Settings(
            null,
            null,
            OutputFormat.JSONL,
            List.of(),
            AssembleWith.LINE,
            false,
            UUID.randomUUID().toString(),
            "",
            List.of()),
        1000);
  }

  /** The sink. Immutable; {@code withX} returns a copy. */
  public static final class Write
      extends PTransform<PCollection<ResultRecord>, PCollection<WrittenFile>> {
    private final Settings settings;
    private final int chunkRecords;

    private Write(Settings settings, int chunkRecords) {
      this.settings = settings;
      this.chunkRecords = chunkRecords;
    }

    private Settings s() {
      return settings;
    }

    /** The output folder: a path or URI. */
    public Write to(String folder) {
      Settings s = s();
      return new Write(
          new Settings(
              OutputFolder.at(folder),
              s.inputs(),
              s.format(),
              s.columns(),
              s.assemble(),
              s.allOrNothing(),
              s.jobId(),
              s.jobDigest(),
              s.complete()),
          chunkRecords);
    }

    /** The job's inputs, the same list the records' file indexes refer to. */
    public Write withInputs(List<InputFile> files) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              List.copyOf(files),
              s.format(),
              s.columns(),
              s.assemble(),
              s.allOrNothing(),
              s.jobId(),
              s.jobDigest(),
              s.complete()),
          chunkRecords);
    }

    public Write withFormat(OutputFormat value) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              s.inputs(),
              Objects.requireNonNull(value),
              s.columns(),
              s.assemble(),
              s.allOrNothing(),
              s.jobId(),
              s.jobDigest(),
              s.complete()),
          chunkRecords);
    }

    /**
     * Typed Parquet columns. An output whose JSON fits all of them is stored only in them; any
     * other output is kept whole in the {@code output} JSON column.
     */
    public Write withParquetColumns(List<ParquetColumn> value) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              s.inputs(),
              s.format(),
              List.copyOf(value),
              s.assemble(),
              s.allOrNothing(),
              s.jobId(),
              s.jobDigest(),
              s.complete()),
          chunkRecords);
    }

    /** Consecutive records sorted and written together (default 1000): bounds memory. */
    public Write withChunkRecords(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("chunkRecords must be positive");
      }
      return new Write(settings, value);
    }

    /** How outputs are joined in an {@code .out} file (default {@link AssembleWith#LINE}). */
    public Write withAssembleWith(AssembleWith value) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              s.inputs(),
              s.format(),
              s.columns(),
              Objects.requireNonNull(value),
              s.allOrNothing(),
              s.jobId(),
              s.jobDigest(),
              s.complete()),
          chunkRecords);
    }

    /**
     * SageMaker's rule: an input with any failed record gets no output (an earlier run's is
     * deleted), and is counted in the {@code objects_failed} metric. Its records still go to the
     * errors file.
     */
    public Write withAllOrNothing(boolean value) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              s.inputs(),
              s.format(),
              s.columns(),
              s.assemble(),
              value,
              s.jobId(),
              s.jobDigest(),
              s.complete()),
          chunkRecords);
    }

    /** The job's id: it names the job's temporary folder (default: a random UUID). */
    public Write withJobId(String value) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              s.inputs(),
              s.format(),
              s.columns(),
              s.assemble(),
              s.allOrNothing(),
              Objects.requireNonNull(value),
              s.jobDigest(),
              s.complete()),
          chunkRecords);
    }

    /**
     * A digest of everything besides the input's bytes that decides the outputs (model, task,
     * settings), kept in each commit record so {@code --resume} redoes inputs made otherwise.
     */
    public Write withJobDigest(String value) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              s.inputs(),
              s.format(),
              s.columns(),
              s.assemble(),
              s.allOrNothing(),
              s.jobId(),
              Objects.requireNonNull(value),
              s.complete()),
          chunkRecords);
    }

    /**
     * Inputs an earlier job committed, as {@link OutputFolder#complete} found them: they are not
     * written again, and count in the report and the errors file as they are.
     */
    public Write withComplete(List<WrittenFile> value) {
      Settings s = s();
      return new Write(
          new Settings(
              s.folder(),
              s.inputs(),
              s.format(),
              s.columns(),
              s.assemble(),
              s.allOrNothing(),
              s.jobId(),
              s.jobDigest(),
              List.copyOf(value)),
          chunkRecords);
    }

    /** The output folder. */
    public OutputFolder folder() {
      return settings.folder();
    }

    /** The job's id. */
    public String jobId() {
      return settings.jobId();
    }

    /** The inputs this job writes: every input but the complete ones. */
    public List<InputFile> pending() {
      return settings.pending();
    }

    /** The folder of this write's temporary files. */
    public String tempDirectory() {
      return settings.temp();
    }

    /** Where an input's output goes. */
    public String outputPath(InputFile input) {
      return settings.folder().outputFile(input, settings.format()).toString();
    }

    /** Where the errors go. */
    public String errorsPath() {
      return settings.folder().errorsFile().toString();
    }

    /**
     * What the finished pipeline wrote, one entry per input in input order. Call after the pipeline
     * finished and before {@link #cleanUp()}.
     *
     * @throws IOException if the pipeline did not get to its last step, which writes the report
     */
    public List<WrittenFile> writtenFiles() throws IOException {
      ResourceId report = FileSystems.matchNewResource(tempDirectory() + REPORT, false);
      if (!Resources.exists(report)) {
        throw new IOException(
            "The job left no report of what it wrote (" + report + "): it did not finish");
      }
      List<WrittenFile> files = new ArrayList<>();
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(
                  Channels.newInputStream(FileSystems.open(report)), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          files.add(JSON.readValue(line, WrittenFile.class));
        }
      }
      return files;
    }

    /**
     * Deletes this job's temporary files; call after the pipeline finished, whether it failed or
     * not. Other jobs' temporary files are theirs.
     */
    public void cleanUp() throws IOException {
      Resources.deleteTree(tempDirectory());
      Resources.deleteIfEmptyFolder(settings.folder().uri() + OutputFolder.TEMP);
    }

    @Override
    public PCollection<WrittenFile> expand(PCollection<ResultRecord> results) {
      if (settings.folder() == null) {
        throw new IllegalArgumentException("ResultsIO.write() needs to(folder)");
      }
      if (settings.inputs() == null) {
        throw new IllegalArgumentException("ResultsIO.write() needs withInputs(files)");
      }
      KvCoder<Integer, Part> partCoder =
          KvCoder.of(VarIntCoder.of(), SerializableCoder.of(Part.class));

      PCollection<KV<Integer, Part>> parts =
          results
              .apply("KeyByChunk", ParDo.of(new KeyByChunkFn(chunkRecords)))
              .setCoder(
                  KvCoder.of(
                      KvCoder.of(VarIntCoder.of(), VarLongCoder.of()), ResultRecord.Coder.of()))
              .apply("GroupChunks", GroupByKey.create())
              .apply("WriteParts", ParDo.of(new WritePartFn(settings)))
              .setCoder(partCoder);
      // Every input this job writes gets an output, even one with no records: a marker per input.
      List<KV<Integer, Part>> markers = new ArrayList<>();
      for (InputFile input : settings.pending()) {
        markers.add(KV.of(input.index(), Part.MARKER));
      }
      PCollection<KV<Integer, Part>> everyInput =
          results.getPipeline().apply("Inputs", Create.of(markers).withCoder(partCoder));

      KvCoder<Integer, WrittenFile> reportCoder =
          KvCoder.of(VarIntCoder.of(), SerializableCoder.of(WrittenFile.class));
      PCollection<WrittenFile> written =
          PCollectionList.of(parts)
              .and(everyInput)
              .apply("AllParts", Flatten.pCollections())
              .apply("GroupByInput", GroupByKey.create())
              .apply("CommitInputs", ParDo.of(new CommitInputFn(settings)))
              .setCoder(SerializableCoder.of(WrittenFile.class));
      // Every input's outcome meets the others' in one place, even when no input was left to
      // write: the errors file and the report are written once, after the last commit.
      PCollection<KV<Integer, WrittenFile>> start =
          results
              .getPipeline()
              .apply("LastStep", Create.of(KV.of(0, WrittenFile.NONE)).withCoder(reportCoder));
      PCollectionList.of(written.apply("ToLastStep", WithKeys.of(0)).setCoder(reportCoder))
          .and(start)
          .apply("AllCommitted", Flatten.pCollections())
          .apply("GatherCommitted", GroupByKey.create())
          .apply("WriteErrors", ParDo.of(new WriteErrorsFn(settings)));
      return written;
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("output", String.valueOf(settings.folder())))
          .add(DisplayData.item("format", settings.format().toString()))
          .add(DisplayData.item("chunkRecords", chunkRecords))
          .add(DisplayData.item("assembleWith", settings.assemble().toString()))
          .add(DisplayData.item("allOrNothing", settings.allOrNothing()))
          .add(DisplayData.item("completeInputs", settings.complete().size()));
    }
  }

  /** What every step needs to know. */
  private record Settings(
      OutputFolder folder,
      List<InputFile> inputs,
      OutputFormat format,
      List<ParquetColumn> columns,
      AssembleWith assemble,
      boolean allOrNothing,
      String jobId,
      String jobDigest,
      List<WrittenFile> complete)
      implements Serializable {

    InputFile input(int index) {
      return inputs.get(index);
    }

    String temp() {
      return folder.tempFolder(jobId);
    }

    List<InputFile> pending() {
      Set<Integer> done = new HashSet<>();
      complete.forEach(file -> done.add(file.input()));
      return inputs.stream().filter(input -> !done.contains(input.index())).toList();
    }
  }

  /**
   * A sorted chunk of one input's results as written to temporary files.
   *
   * @param chunk the chunk number; -1 for the marker every input gets
   */
  record Part(long chunk, String outputs, long outputCount, String errors, long errorCount)
      implements Serializable {
    static final Part MARKER = new Part(-1, null, 0, null, 0);
  }

  static final class KeyByChunkFn extends DoFn<ResultRecord, KV<KV<Integer, Long>, ResultRecord>> {
    private final int chunkRecords;

    KeyByChunkFn(int chunkRecords) {
      this.chunkRecords = chunkRecords;
    }

    @ProcessElement
    public void process(
        @Element ResultRecord record, OutputReceiver<KV<KV<Integer, Long>, ResultRecord>> out) {
      out.output(KV.of(KV.of(record.file(), record.line() / chunkRecords), record));
    }
  }

  static final class WritePartFn
      extends DoFn<KV<KV<Integer, Long>, Iterable<ResultRecord>>, KV<Integer, Part>> {
    private final Settings settings;

    WritePartFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(
        @Element KV<KV<Integer, Long>, Iterable<ResultRecord>> chunk,
        OutputReceiver<KV<Integer, Part>> out)
        throws IOException {
      int input = chunk.getKey().getKey();
      long number = chunk.getKey().getValue();
      List<ResultRecord> records = new ArrayList<>();
      chunk.getValue().forEach(records::add);
      records.sort(Comparator.comparingLong(ResultRecord::line));
      String base = settings.temp() + input + "/" + number;
      String outputs = null;
      String errors = null;
      long outputCount = 0;
      long errorCount = 0;
      OutputStream outStream = null;
      OutputStream errStream = null;
      try {
        long previous = -1;
        for (ResultRecord record : records) {
          if (record.line() == previous) {
            continue; // a runner's retry delivered it twice
          }
          previous = record.line();
          if (record.isError()) {
            if (errStream == null) {
              errors = base + ".errors";
              errStream = Resources.createText(FileSystems.matchNewResource(errors, false));
            }
            errStream.write(errorLine(settings.input(input), record));
            errorCount++;
          } else {
            if (outStream == null) {
              outputs = base + ".outputs";
              outStream = PartFile.create(outputs);
            }
            PartFile.write(outStream, record);
            outputCount++;
          }
        }
      } finally {
        if (outStream != null) {
          outStream.close();
        }
        if (errStream != null) {
          errStream.close();
        }
      }
      out.output(KV.of(input, new Part(number, outputs, outputCount, errors, errorCount)));
    }

    private static byte[] errorLine(InputFile input, ResultRecord record) throws IOException {
      ObjectNode line = JSON.createObjectNode();
      line.put("file", input.source());
      if (record.offset() < 0) {
        line.put("line", record.line());
      } else {
        line.put("offset", record.offset());
      }
      line.put("reason", record.error());
      if (record.raw() != null) {
        line.put("record", record.raw());
      }
      return (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * Commits one input as {@link OutputFolder} says: its output and commit record in full to the
   * temporary folder, then the earlier record deleted, the output moved into place, the record
   * moved into place.
   */
  static final class CommitInputFn extends DoFn<KV<Integer, Iterable<Part>>, WrittenFile> {
    private final Settings settings;
    private final Counter withheld = Metrics.counter(RecordsIO.METRICS, OBJECTS_FAILED);

    CommitInputFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Part>> element, OutputReceiver<WrittenFile> out)
        throws IOException {
      InputFile input = settings.input(element.getKey());
      List<Part> parts = new ArrayList<>();
      for (Part part : element.getValue()) {
        if (part.chunk() >= 0) {
          parts.add(part);
        }
      }
      parts.sort(Comparator.comparingLong(Part::chunk));
      List<String> outputParts = new ArrayList<>();
      List<String> errorParts = new ArrayList<>();
      long outputs = 0;
      long errorCount = 0;
      for (Part part : parts) {
        if (part.outputs() != null) {
          outputParts.add(part.outputs());
        }
        if (part.errors() != null) {
          errorParts.add(part.errors());
        }
        outputs += part.outputCount();
        errorCount += part.errorCount();
      }
      OutputFolder folder = settings.folder();
      ResourceId destination = folder.outputFile(input, settings.format());
      boolean withhold = settings.allOrNothing() && errorCount > 0;
      ResourceId temporaryOutput =
          FileSystems.matchNewResource(settings.temp() + "final/" + input.index(), false);
      long outputBytes = 0;
      if (!withhold) {
        writeOutput(input, outputParts, temporaryOutput);
        outputBytes = Resources.size(temporaryOutput);
      }
      CommitRecord header =
          new CommitRecord(
              input.relativeName(),
              input.source(),
              input.version(),
              settings.jobDigest(),
              withhold ? null : OutputFolder.outputName(input, settings.format()),
              outputBytes,
              outputs,
              errorCount);
      ResourceId temporaryRecord =
          FileSystems.matchNewResource(settings.temp() + "records/" + input.index(), false);
      try (OutputStream record = Resources.createText(temporaryRecord)) {
        record.write(header.headerLine());
        for (String part : errorParts) {
          try (InputStream in =
              Channels.newInputStream(
                  FileSystems.open(FileSystems.matchNewResource(part, false)))) {
            in.transferTo(record);
          }
        }
      }
      ResourceId committed = folder.recordFile(input.relativeName());
      Resources.deleteIfExists(committed);
      if (withhold) {
        Resources.deleteIfExists(destination);
        withheld.inc();
      } else {
        Resources.publish(temporaryOutput, destination);
      }
      Resources.publish(temporaryRecord, committed);
      out.output(
          new WrittenFile(
              input.index(), withhold ? null : destination.toString(), outputs, errorCount));
    }

    private void writeOutput(InputFile input, List<String> outputParts, ResourceId temporary)
        throws IOException {
      if (settings.format() == OutputFormat.PARQUET) {
        ParquetRows.write(temporary, input, settings.columns(), outputParts);
        return;
      }
      byte[] separator = settings.assemble().separator();
      try (OutputStream stream = Resources.createText(temporary)) {
        for (String part : outputParts) {
          PartFile.read(
              part,
              record -> {
                stream.write(record.output().getBytes(StandardCharsets.UTF_8));
                stream.write(separator);
              });
        }
      }
    }
  }

  /**
   * The last step, once every input is committed: writes the errors file, the error lines of every
   * commit record in the folder in name order, then the report of what was written ({@link
   * Write#writtenFiles()}), so a report means the whole output is in place.
   */
  static final class WriteErrorsFn extends DoFn<KV<Integer, Iterable<WrittenFile>>, Void> {
    private final Settings settings;

    WriteErrorsFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<WrittenFile>> element) throws IOException {
      Map<Integer, WrittenFile> byInput = new TreeMap<>();
      for (WrittenFile file : settings.complete()) {
        byInput.put(file.input(), file);
      }
      for (WrittenFile file : element.getValue()) {
        if (file.input() >= 0) {
          byInput.put(file.input(), file);
        }
      }
      // Failed records of the job's inputs are counted; any other record in the folder (an
      // earlier job's other inputs) is read, since its .out is there too.
      Map<String, Long> errorsByName = new HashMap<>();
      for (WrittenFile file : byInput.values()) {
        errorsByName.put(settings.input(file.input()).relativeName(), file.errors());
      }
      OutputFolder folder = settings.folder();
      ResourceId temporary = FileSystems.matchNewResource(settings.temp() + "final/errors", false);
      try (OutputStream stream = Resources.createText(temporary)) {
        for (Map.Entry<String, ResourceId> record : folder.records().entrySet()) {
          Long errors = errorsByName.get(record.getKey());
          if (errors == null || errors > 0) {
            OutputFolder.copyErrors(record.getValue(), stream);
          }
        }
      }
      Resources.publish(temporary, folder.errorsFile());
      try (OutputStream report =
          Resources.createText(FileSystems.matchNewResource(settings.temp() + REPORT, false))) {
        for (WrittenFile file : byInput.values()) {
          report.write((JSON.writeValueAsString(file) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }
}
