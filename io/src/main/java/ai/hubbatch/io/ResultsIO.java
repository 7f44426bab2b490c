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
 * a record of what it holds as soon as its results are all in, and gathers every error into one
 * errors file, following the protocol of {@link OutputFolder}.
 *
 * <pre>{@code
 * ResultsIO.Write write = ResultsIO.write().to("out/").withInputs(files);
 * results.apply(write);   // each input's results, then ResultRecord.end(input), in one bundle
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
 * <p>What the sink needs of its input: each input's results, in any order, followed by the input's
 * end marker ({@link ResultRecord#end}), all within one bundle, as {@link
 * RecordsIO.Read#withEndMarkers()} and DoFns that pass markers on after their input's results
 * produce them. The sink then commits each input when its end arrives, without waiting for the
 * others: a job stopped at 90% keeps the inputs it finished, on every runner, where a shuffle
 * before the write would commit nothing until every input was read.
 *
 * <p>How it works, with bounded memory: an input's results are appended, as they come, to part
 * files of consecutive records (chunks); at its end each chunk is sorted and streamed, in order,
 * into a temporary output and commit record, which are moved into place as the protocol says. A
 * retried bundle writes new part files and commits the same bytes again. The last step, after every
 * commit, writes the errors file from the commit records.
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
      PCollection<WrittenFile> written =
          results
              .apply("CommitInputs", ParDo.of(new CommitInputsFn(settings, chunkRecords)))
              .setCoder(SerializableCoder.of(WrittenFile.class));
      KvCoder<Integer, WrittenFile> reportCoder =
          KvCoder.of(VarIntCoder.of(), SerializableCoder.of(WrittenFile.class));
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
   * Writes each input's results into part files as they come and commits the input when its end
   * marker arrives, as {@link OutputFolder} says: its output and commit record in full to the
   * temporary folder, then the earlier record deleted, the output moved into place, the record
   * moved into place.
   */
  static final class CommitInputsFn extends DoFn<ResultRecord, WrittenFile> {
    private final Settings settings;
    private final int chunkRecords;
    private final Counter withheld = Metrics.counter(RecordsIO.METRICS, OBJECTS_FAILED);
    private transient String attempt;
    private transient Map<Integer, Parts> open;

    CommitInputsFn(Settings settings, int chunkRecords) {
      this.settings = settings;
      this.chunkRecords = chunkRecords;
    }

    @StartBundle
    public void startBundle() {
      // Part files are this bundle's own: a retried bundle never appends to a failed one's.
      attempt = UUID.randomUUID().toString();
      open = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element ResultRecord record, OutputReceiver<WrittenFile> out)
        throws IOException {
      Parts parts = open.computeIfAbsent(record.file(), this::parts);
      if (record.isEnd()) {
        open.remove(record.file());
        out.output(commit(settings.input(record.file()), parts));
        return;
      }
      parts.add(record, chunkRecords);
    }

    private Parts parts(int input) {
      return new Parts(settings.temp() + "parts/" + attempt + "/" + input + "/");
    }

    @FinishBundle
    public void finishBundle() throws IOException {
      if (open.isEmpty()) {
        return;
      }
      List<String> names = new ArrayList<>();
      for (Map.Entry<Integer, Parts> input : open.entrySet()) {
        input.getValue().close();
        names.add(settings.input(input.getKey()).relativeName());
      }
      throw new IllegalStateException(
          "The results of "
              + names
              + " ended without the input's end marker: ResultsIO commits an input when"
              + " ResultRecord.end follows its results in the same bundle");
    }

    private WrittenFile commit(InputFile input, Parts parts) throws IOException {
      parts.close();
      OutputFolder folder = settings.folder();
      ResourceId destination = folder.outputFile(input, settings.format());
      boolean withhold = settings.allOrNothing() && parts.errors > 0;
      boolean parquet = settings.format() == OutputFormat.PARQUET;
      String temp = settings.temp();
      ResourceId output = FileSystems.matchNewResource(temp + "final/" + input.index(), false);
      ResourceId errors = FileSystems.matchNewResource(parts.base + "errors", false);
      // counts: outputs, failed records, output bytes
      long[] counts = new long[3];
      try (OutputStream errorLines =
              parts.errors > 0 ? Resources.createText(errors) : OutputStream.nullOutputStream();
          OutputStream text =
              !withhold && settings.format() == OutputFormat.JSONL
                  ? Resources.createText(output)
                  : OutputStream.nullOutputStream()) {
        if (!withhold && parquet) {
          ParquetRows.write(output, input, settings.columns(), parts.paths());
        }
        byte[] separator = settings.assemble().separator();
        for (String part : parts.paths()) {
          PartFile.readSorted(
              part,
              record -> {
                if (record.isError()) {
                  errorLines.write(errorLine(input, record));
                  counts[1]++;
                } else {
                  byte[] bytes = record.output().getBytes(StandardCharsets.UTF_8);
                  text.write(bytes);
                  text.write(separator);
                  counts[0]++;
                  counts[2] += bytes.length + separator.length;
                }
              });
        }
      }
      CommitRecord header =
          new CommitRecord(
              input.relativeName(),
              input.source(),
              input.version(),
              settings.jobDigest(),
              withhold ? null : OutputFolder.outputName(input, settings.format()),
              withhold ? 0 : parquet ? Resources.size(output) : counts[2],
              counts[0],
              counts[1]);
      ResourceId record = FileSystems.matchNewResource(temp + "records/" + input.index(), false);
      try (OutputStream stream = Resources.createText(record)) {
        stream.write(header.headerLine());
        if (parts.errors > 0) {
          try (InputStream in = Channels.newInputStream(FileSystems.open(errors))) {
            in.transferTo(stream);
          }
        }
      }
      ResourceId committed = folder.recordFile(input.relativeName());
      Resources.deleteIfExists(committed);
      if (withhold) {
        Resources.deleteIfExists(destination);
        withheld.inc();
      } else {
        Resources.publish(output, destination);
      }
      Resources.publish(record, committed);
      Resources.deleteTree(parts.base);
      return new WrittenFile(
          input.index(), withhold ? null : destination.toString(), counts[0], counts[1]);
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
   * One input's part files while its results come in: a file per chunk of {@code chunkRecords}
   * consecutive record numbers, records appended in arrival order (sorted when read back).
   */
  private static final class Parts {
    private final String base;
    private final Map<Long, OutputStream> chunks = new TreeMap<>();
    private final Map<Long, String> paths = new TreeMap<>();
    private long errors;

    Parts(String base) {
      this.base = base;
    }

    void add(ResultRecord record, int chunkRecords) throws IOException {
      long chunk = record.line() / chunkRecords;
      OutputStream stream = chunks.get(chunk);
      if (stream == null) {
        String path = base + chunk;
        stream = PartFile.create(path);
        chunks.put(chunk, stream);
        paths.put(chunk, path);
      }
      PartFile.write(stream, record);
      errors += record.isError() ? 1 : 0;
    }

    /** The part files in chunk order. */
    List<String> paths() {
      return List.copyOf(paths.values());
    }

    void close() throws IOException {
      for (OutputStream stream : chunks.values()) {
        stream.close();
      }
      chunks.clear();
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
      for (InputFile input : settings.pending()) {
        if (!byInput.containsKey(input.index())) {
          throw new IllegalStateException(
              input.relativeName() + " was not committed: no end marker came for it");
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
