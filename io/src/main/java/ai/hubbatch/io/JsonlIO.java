package ai.hubbatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads JSON Lines files into {@link SourceRecord}s that keep their file and line number.
 *
 * <pre>{@code
 * PCollection<SourceRecord> records =
 *     pipeline.apply(Create.of(files)).apply(JsonlIO.read().withMaxRecordBytes(8 << 20));
 * }</pre>
 *
 * <p>Each line is one record. Blank lines are skipped (they still count for line numbers), a
 * UTF-8 byte order mark and {@code \r\n} endings are accepted, and compressed files
 * ({@code .gz}, {@code .bz2}, {@code .zst}, ...) are read by their extension. A line that is not
 * UTF-8 or is over the size limit becomes an unreadable record, so the error output names it and
 * the rest of the file is still read.
 */
public final class JsonlIO {

  /** Metrics namespace of the IO's counters. */
  public static final String METRICS = "hubbatch";

  private JsonlIO() {}

  public static Read read() {
    return new Read(64 << 20);
  }

  /** Reads {@link InputFile}s into records. Immutable; {@code withX} returns a copy. */
  public static final class Read extends PTransform<PCollection<InputFile>, PCollection<SourceRecord>> {
    private final int maxRecordBytes;

    private Read(int maxRecordBytes) {
      this.maxRecordBytes = maxRecordBytes;
    }

    /** Lines longer than this many bytes become errors instead of records (default 64 MiB). */
    public Read withMaxRecordBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxRecordBytes must be positive");
      }
      return new Read(bytes);
    }

    @Override
    public PCollection<SourceRecord> expand(PCollection<InputFile> files) {
      return files
          .apply("ReadLines", ParDo.of(new ReadLinesFn(maxRecordBytes)))
          .setCoder(SourceRecord.Coder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("maxRecordBytes", maxRecordBytes));
    }
  }

  static final class ReadLinesFn extends DoFn<InputFile, SourceRecord> {
    private final int maxRecordBytes;
    private final Counter read = Metrics.counter(METRICS, "records_read");
    private final Counter blank = Metrics.counter(METRICS, "blank_lines");

    ReadLinesFn(int maxRecordBytes) {
      this.maxRecordBytes = maxRecordBytes;
    }

    @ProcessElement
    public void process(@Element InputFile file, OutputReceiver<SourceRecord> out)
        throws IOException {
      try (InputStream in = open(file.source())) {
        LineReader reader = new LineReader(in, maxRecordBytes);
        for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
          if (line.error() != null) {
            out.output(SourceRecord.unreadable(file.index(), line.number(), line.text(),
                line.error()));
          } else if (line.text().isBlank()) {
            blank.inc();
            continue;
          } else {
            out.output(SourceRecord.of(file.index(), line.number(), line.text()));
          }
          read.inc();
        }
      }
    }
  }

  /** Opens a file of any registered file system, decompressing by extension. */
  static InputStream open(String source) throws IOException {
    var resource = FileSystems.matchSingleFileSpec(source).resourceId();
    var channel = Compression.detect(source).readDecompressed(FileSystems.open(resource));
    return Channels.newInputStream(channel);
  }
}
