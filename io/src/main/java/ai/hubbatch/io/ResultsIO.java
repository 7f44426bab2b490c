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
import java.util.List;
import java.util.Objects;
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
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Writes each input file's results to its own output file, in input order, and every error to one
 * errors file.
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
 * failed records go to {@code out/_errors.jsonl} as {@code
 * {"file":..,"line":..,"reason":..,"record":..}} ({@code "offset"} instead of {@code "line"} for
 * framed records), ordered by file and position. Every input gets an output file, an empty one if
 * it had no records, and the errors file is always written, so stale files of an earlier run never
 * remain. With {@link Write#withAllOrNothing} an input with any failed record gets no output at
 * all, as in SageMaker.
 *
 * <p>How it works on any runner, with bounded memory: results are grouped into chunks of
 * consecutive lines of one file; each chunk is sorted and written as a part file; then each input's
 * parts are streamed, in order, into a temporary file that is renamed into place only when
 * complete. A reader never sees a half-written output, and a failed job leaves none.
 *
 * <p>What was written, per input, comes back two ways: as the transform's output ({@link
 * WrittenFile}s), and, for the program that ran the pipeline, from {@link Write#writtenFiles()}
 * once it finished. The last step leaves that report beside the errors file, so it is exact on
 * every runner, unlike metrics, which some runners report only as attempted or not at all.
 */
public final class ResultsIO {

  /** Name of the errors file in the output folder. */
  public static final String ERRORS_FILE = "_errors.jsonl";

  /** Metric: inputs that got no output because {@link Write#withAllOrNothing} withheld it. */
  public static final String OBJECTS_FAILED = "objects_failed";

  private static final String TEMP_FOLDER = ".hubbatch-tmp";

  /** The report of what was written, in the write's temporary folder. */
  private static final String REPORT = "written.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultsIO() {}

  public static Write write() {
    return new Write(
        null,
        null,
        OutputFormat.JSONL,
        List.of(),
        1000,
        AssembleWith.LINE,
        false,
        UUID.randomUUID().toString());
  }

  /** The sink. Immutable; {@code withX} returns a copy. */
  public static final class Write
      extends PTransform<PCollection<ResultRecord>, PCollection<WrittenFile>> {
    private final String output;
    private final List<InputFile> inputs;
    private final OutputFormat format;
    private final List<ParquetColumn> columns;
    private final int chunkRecords;
    private final AssembleWith assemble;
    private final boolean allOrNothing;
    private final String jobId;

    private Write(
        String output,
        List<InputFile> inputs,
        OutputFormat format,
        List<ParquetColumn> columns,
        int chunkRecords,
        AssembleWith assemble,
        boolean allOrNothing,
        String jobId) {
      this.output = output;
      this.inputs = inputs;
      this.format = format;
      this.columns = columns;
      this.chunkRecords = chunkRecords;
      this.assemble = assemble;
      this.allOrNothing = allOrNothing;
      this.jobId = jobId;
    }

    /** The output folder: a path or URI. */
    public Write to(String folder) {
      String normalised = folder.endsWith("/") ? folder : folder + "/";
      return new Write(
          normalised, inputs, format, columns, chunkRecords, assemble, allOrNothing, jobId);
    }

    /** The job's inputs, the same list the records' file indexes refer to. */
    public Write withInputs(List<InputFile> files) {
      return new Write(
          output, List.copyOf(files), format, columns, chunkRecords, assemble, allOrNothing, jobId);
    }

    public Write withFormat(OutputFormat value) {
      return new Write(
          output,
          inputs,
          Objects.requireNonNull(value),
          columns,
          chunkRecords,
          assemble,
          allOrNothing,
          jobId);
    }

    /**
     * Typed Parquet columns. An output whose JSON fits all of them is stored only in them; any
     * other output is kept whole in the {@code output} JSON column.
     */
    public Write withParquetColumns(List<ParquetColumn> value) {
      return new Write(
          output, inputs, format, List.copyOf(value), chunkRecords, assemble, allOrNothing, jobId);
    }

    /** Consecutive records sorted and written together (default 1000): bounds memory. */
    public Write withChunkRecords(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("chunkRecords must be positive");
      }
      return new Write(output, inputs, format, columns, value, assemble, allOrNothing, jobId);
    }

    /** How outputs are joined in an {@code .out} file (default {@link AssembleWith#LINE}). */
    public Write withAssembleWith(AssembleWith value) {
      return new Write(
          output,
          inputs,
          format,
          columns,
          chunkRecords,
          Objects.requireNonNull(value),
          allOrNothing,
          jobId);
    }

    /**
     * SageMaker's rule: an input with any failed record gets no output (an earlier run's is
     * deleted), and is counted in the {@code objects_failed} metric. Its records still go to the
     * errors file.
     */
    public Write withAllOrNothing(boolean value) {
      return new Write(output, inputs, format, columns, chunkRecords, assemble, value, jobId);
    }

    /** The folder of this write's temporary files. */
    public String tempDirectory() {
      return output + TEMP_FOLDER + "/" + jobId + "/";
    }

    /** Where an input's output goes. */
    public String outputPath(InputFile input) {
      return Resources.file(output, input.relativeName() + format.suffix()).toString();
    }

    /** Where the errors go. */
    public String errorsPath() {
      return Resources.file(output, ERRORS_FILE).toString();
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

    /** Deletes the temporary files; call after the pipeline finished, whether it failed or not. */
    public void cleanUp() throws IOException {
      Resources.deleteTree(tempDirectory());
      Resources.deleteTree(output + TEMP_FOLDER + "/");
    }

    @Override
    public PCollection<WrittenFile> expand(PCollection<ResultRecord> results) {
      if (output == null) {
        throw new IllegalArgumentException("ResultsIO.write() needs to(folder)");
      }
      if (inputs == null) {
        throw new IllegalArgumentException("ResultsIO.write() needs withInputs(files)");
      }
      Settings settings =
          new Settings(output, tempDirectory(), inputs, format, columns, assemble, allOrNothing);
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
      // Every input gets an output, even one with no records: a marker part per input.
      List<KV<Integer, Part>> markers = new ArrayList<>();
      for (InputFile input : inputs) {
        markers.add(KV.of(input.index(), Part.MARKER));
      }
      PCollection<KV<Integer, Part>> everyInput =
          results.getPipeline().apply("Inputs", Create.of(markers).withCoder(partCoder));

      TupleTag<WrittenFile> written = new TupleTag<>() {};
      TupleTag<KV<Integer, InputReport>> reports = new TupleTag<>() {};
      PCollectionTuple finished =
          PCollectionList.of(parts)
              .and(everyInput)
              .apply("AllParts", Flatten.pCollections())
              .apply("GroupByInput", GroupByKey.create())
              .apply(
                  "WriteOutputs",
                  ParDo.of(new WriteOutputFn(settings, written, reports))
                      .withOutputTags(written, TupleTagList.of(reports)));
      finished
          .get(reports)
          .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(InputReport.class)))
          .apply("GatherReports", GroupByKey.create())
          .apply("WriteErrors", ParDo.of(new WriteErrorsFn(settings)));
      return finished.get(written).setCoder(SerializableCoder.of(WrittenFile.class));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("output", output))
          .add(DisplayData.item("format", format.toString()))
          .add(DisplayData.item("chunkRecords", chunkRecords))
          .add(DisplayData.item("assembleWith", assemble.toString()))
          .add(DisplayData.item("allOrNothing", allOrNothing));
    }
  }

  /** What every step needs to know. */
  private record Settings(
      String output,
      String temp,
      List<InputFile> inputs,
      OutputFormat format,
      List<ParquetColumn> columns,
      AssembleWith assemble,
      boolean allOrNothing)
      implements Serializable {

    InputFile input(int index) {
      return inputs.get(index);
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

  /** One input's outcome and its error parts, in order. */
  record InputReport(WrittenFile written, List<String> errorParts) implements Serializable {}

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

  static final class WriteOutputFn extends DoFn<KV<Integer, Iterable<Part>>, WrittenFile> {
    private final Settings settings;
    private final TupleTag<WrittenFile> written;
    private final TupleTag<KV<Integer, InputReport>> reports;
    private final Counter withheld = Metrics.counter(RecordsIO.METRICS, OBJECTS_FAILED);

    WriteOutputFn(
        Settings settings,
        TupleTag<WrittenFile> written,
        TupleTag<KV<Integer, InputReport>> reports) {
      this.settings = settings;
      this.written = written;
      this.reports = reports;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Part>> element, MultiOutputReceiver out)
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
      String relative = input.relativeName() + settings.format().suffix();
      ResourceId destination = Resources.file(settings.output(), relative);
      WrittenFile result;
      if (settings.allOrNothing() && errorCount > 0) {
        Resources.deleteIfExists(destination);
        withheld.inc();
        result = new WrittenFile(input.index(), null, outputs, errorCount);
      } else {
        publish(input, outputParts, destination);
        result = new WrittenFile(input.index(), destination.toString(), outputs, errorCount);
      }
      out.get(written).output(result);
      // Every input's report meets the others' in one place: the errors file and the report.
      out.get(reports).output(KV.of(0, new InputReport(result, errorParts)));
    }

    private void publish(InputFile input, List<String> outputParts, ResourceId destination)
        throws IOException {
      ResourceId temporary =
          FileSystems.matchNewResource(settings.temp() + "final/" + input.index(), false);
      if (settings.format() == OutputFormat.PARQUET) {
        ParquetRows.write(temporary, input, settings.columns(), outputParts);
      } else {
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
      Resources.publish(temporary, destination);
    }
  }

  /**
   * Writes the errors file, every input's errors in input order, then the report of what was
   * written ({@link Write#writtenFiles()}), so a report means the whole output is in place.
   */
  static final class WriteErrorsFn extends DoFn<KV<Integer, Iterable<InputReport>>, Void> {
    private final Settings settings;

    WriteErrorsFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<InputReport>> element) throws IOException {
      List<InputReport> inputs = new ArrayList<>();
      element.getValue().forEach(inputs::add);
      inputs.sort(Comparator.comparingInt(report -> report.written().input()));
      ResourceId temporary = FileSystems.matchNewResource(settings.temp() + "final/errors", false);
      try (OutputStream stream = Resources.createText(temporary)) {
        for (InputReport input : inputs) {
          for (String part : input.errorParts()) {
            try (InputStream in =
                Channels.newInputStream(
                    FileSystems.open(FileSystems.matchNewResource(part, false)))) {
              in.transferTo(stream);
            }
          }
        }
      }
      Resources.publish(temporary, Resources.file(settings.output(), ERRORS_FILE));
      try (OutputStream report =
          Resources.createText(FileSystems.matchNewResource(settings.temp() + REPORT, false))) {
        for (InputReport input : inputs) {
          report.write(
              (JSON.writeValueAsString(input.written()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }
}
