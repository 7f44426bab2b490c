package ai.hubbatch.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.util.Objects;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads input objects into {@link SourceRecord}s that keep their object and position: lines, whole
 * objects, RecordIO or TFRecord frames (SageMaker's split types).
 *
 * <pre>{@code
 * PCollection<SourceRecord> records = pipeline.apply(Create.of(files))
 *     .apply(RecordsIO.read().withSplitType(SplitType.LINE).withMaxPayloadMb(6));
 * }</pre>
 *
 * <p>Lines: blank lines are skipped (they still count for line numbers), a UTF-8 byte order mark
 * and {@code \r\n} endings are accepted. Text records are strict UTF-8; binary records ({@link
 * Read#withBinaryRecords()}) are kept as bytes. Objects are decompressed by their extension ({@code
 * .gz}, {@code .bz2}, {@code .zst}, ...) unless a compression is given.
 *
 * <p>Nothing is lost: a record that is not UTF-8, is over the size limit or is a broken frame
 * becomes an unreadable record that names its position, and so does an object that cannot be read
 * (missing, corrupt compression): one unreadable record after the last record read.
 */
public final class RecordsIO {

  /** Metrics namespace of the IO's counters. */
  public static final String METRICS = "hubbatch";

  private RecordsIO() {}

  public static Read read() {
    return new Read(
        new Settings(SplitType.LINE, Compression.AUTO, false, 64 << 20, 0, null, false, false));
  }

  /** What a read does; one serializable value for the DoFn. */
  private record Settings(
      SplitType split,
      Compression compression,
      boolean binary,
      int maxRecordBytes,
      int maxPayloadMb,
      SerializableFunction<String, Boolean> header,
      boolean endMarkers,
      boolean deferObjects)
      implements Serializable {}

  /** Reads {@link InputFile}s into records. Immutable; {@code withX} returns a copy. */
  public static final class Read
      extends PTransform<PCollection<InputFile>, PCollection<SourceRecord>> {
    private final Settings settings;

    private Read(Settings settings) {
      this.settings = settings;
    }

    /** How objects are cut into records (default {@link SplitType#LINE}). */
    public Read withSplitType(SplitType split) {
      Settings s = settings;
      return new Read(
          new Settings(
              Objects.requireNonNull(split),
              s.compression(),
              s.binary(),
              s.maxRecordBytes(),
              s.maxPayloadMb(),
              s.header(),
              s.endMarkers(),
              s.deferObjects()));
    }

    /**
     * How objects are compressed (default {@link Compression#AUTO}: by extension). {@link
     * Compression#GZIP} reads every object as gzip, SageMaker's {@code Gzip}.
     */
    public Read withCompression(Compression compression) {
      Settings s = settings;
      return new Read(
          new Settings(
              s.split(),
              Objects.requireNonNull(compression),
              s.binary(),
              s.maxRecordBytes(),
              s.maxPayloadMb(),
              s.header(),
              s.endMarkers(),
              s.deferObjects()));
    }

    /** Keeps records as bytes (images, audio) instead of decoding them as UTF-8. */
    public Read withBinaryRecords() {
      Settings s = settings;
      return new Read(
          new Settings(
              s.split(),
              s.compression(),
              true,
              s.maxRecordBytes(),
              s.maxPayloadMb(),
              s.header(),
              s.endMarkers(),
              s.deferObjects()));
    }

    /** Records longer than this many bytes become errors instead of records (default 64 MiB). */
    public Read withMaxRecordBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxRecordBytes must be positive");
      }
      Settings s = settings;
      return new Read(
          new Settings(
              s.split(),
              s.compression(),
              s.binary(),
              bytes,
              s.maxPayloadMb(),
              s.header(),
              s.endMarkers(),
              s.deferObjects()));
    }

    /**
     * SageMaker's {@code MaxPayloadInMB}: records of this many MiB or more are errors that say so
     * (default 0: no limit).
     */
    public Read withMaxPayloadMb(int megabytes) {
      if (megabytes < 0) {
        throw new IllegalArgumentException("maxPayloadMb must be 0 (no limit) or positive");
      }
      Settings s = settings;
      return new Read(
          new Settings(
              s.split(),
              s.compression(),
              s.binary(),
              s.maxRecordBytes(),
              megabytes,
              s.header(),
              s.endMarkers(),
              s.deferObjects()));
    }

    /**
     * Line-split objects whose first non-blank line passes {@code isHeader} have a header: that
     * line is no record, and every record of the object carries it.
     */
    public Read withHeaderLine(SerializableFunction<String, Boolean> isHeader) {
      Settings s = settings;
      return new Read(
          new Settings(
              s.split(),
              s.compression(),
              s.binary(),
              s.maxRecordBytes(),
              s.maxPayloadMb(),
              Objects.requireNonNull(isHeader),
              s.endMarkers(),
              s.deferObjects()));
    }

    /**
     * After each object's last record, in the same bundle, an {@link SourceRecord#end} marker,
     * which {@link ResultsIO} needs to commit the object as soon as its results are written.
     */
    public Read withEndMarkers() {
      Settings s = settings;
      return new Read(
          new Settings(
              s.split(),
              s.compression(),
              s.binary(),
              s.maxRecordBytes(),
              s.maxPayloadMb(),
              s.header(),
              true,
              s.deferObjects()));
    }

    /**
     * Leaves whole binary objects (SplitType None) unread: each becomes a {@link
     * SourceRecord#deferred} record that the step consuming it loads with {@link #loader()}. A
     * runner that runs each step over all its input before the next (the DirectRunner) then holds
     * the names of many objects between the steps, not their bytes. A deferred object is always one
     * record, an empty object an empty one, so its consumer can say what is wrong with it.
     */
    public Read withDeferredObjects() {
      Settings s = settings;
      return new Read(
          new Settings(
              s.split(),
              s.compression(),
              s.binary(),
              s.maxRecordBytes(),
              s.maxPayloadMb(),
              s.header(),
              s.endMarkers(),
              true));
    }

    /** What loads this read's deferred records. */
    public ObjectLoader loader() {
      return new ObjectLoader(settings);
    }

    @Override
    public PCollection<SourceRecord> expand(PCollection<InputFile> files) {
      if (settings.deferObjects() && !(settings.binary() && settings.split() == SplitType.NONE)) {
        throw new IllegalArgumentException(
            "Only whole binary objects (SplitType None) can be read later");
      }
      if (settings.binary() && settings.split() == SplitType.LINE) {
        throw new IllegalArgumentException(
            "Binary records cannot be split into lines: use "
                + "SplitType None, RecordIO or TFRecord");
      }
      if (settings.header() != null && settings.split() != SplitType.LINE) {
        throw new IllegalArgumentException("Header lines exist only in line-split objects");
      }
      return files
          .apply("ReadRecords", ParDo.of(new ReadRecordsFn(settings)))
          .setCoder(SourceRecord.Coder.of());
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder
          .add(DisplayData.item("splitType", settings.split().sageMakerName()))
          .add(DisplayData.item("compression", settings.compression().toString()))
          .add(DisplayData.item("binaryRecords", settings.binary()))
          .add(DisplayData.item("maxRecordBytes", settings.maxRecordBytes()))
          .add(DisplayData.item("maxPayloadMb", settings.maxPayloadMb()))
          .add(DisplayData.item("headerLine", settings.header() != null))
          .add(DisplayData.item("deferredObjects", settings.deferObjects()));
    }
  }

  static final class ReadRecordsFn extends DoFn<InputFile, SourceRecord> {
    private final Settings settings;
    private final Counter read = Metrics.counter(METRICS, "records_read");
    private final Counter blank = Metrics.counter(METRICS, "blank_lines");

    ReadRecordsFn(Settings settings) {
      this.settings = settings;
    }

    @ProcessElement
    public void process(@Element InputFile file, OutputReceiver<SourceRecord> out) {
      if (settings.deferObjects()) {
        out.output(SourceRecord.deferred(file.index()));
        read.inc();
        if (settings.endMarkers()) {
          out.output(SourceRecord.end(file.index()));
        }
        return;
      }
      RecordLimit limit = RecordLimit.of(settings.maxRecordBytes(), settings.maxPayloadMb());
      Position position = new Position();
      try (InputStream in = open(file.source(), settings.compression())) {
        if (settings.split() == SplitType.LINE) {
          readLines(file, new LineReader(in, limit), position, out);
        } else {
          readFrames(file, FrameReader.of(settings.split(), in, limit), position, out);
        }
      } catch (IOException | RuntimeException e) {
        // The object cannot be read (any more): one error after what was read names it.
        String reason = cannotRead(file, position.number, e);
        out.output(
            new SourceRecord(
                file.index(),
                position.number + 1,
                settings.split().byLine() ? -1 : position.offset,
                null,
                null,
                null,
                reason));
        read.inc();
      }
      if (settings.endMarkers()) {
        out.output(SourceRecord.end(file.index()));
      }
    }

    private void readLines(
        InputFile file, LineReader reader, Position position, OutputReceiver<SourceRecord> out)
        throws IOException {
      String header = null;
      boolean first = true;
      for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
        position.number = line.number();
        if (line.error() == null && line.text().isBlank()) {
          blank.inc();
          continue;
        }
        SourceRecord record =
            line.error() != null
                ? SourceRecord.unreadable(file.index(), line.number(), line.text(), line.error())
                : SourceRecord.of(file.index(), line.number(), line.text());
        if (first
            && settings.header() != null
            && record.readable()
            && settings.header().apply(record.text())) {
          header = record.text();
          first = false;
          continue;
        }
        first = false;
        out.output(header == null ? record : record.withHeader(header));
        read.inc();
      }
    }

    private void readFrames(
        InputFile file, FrameReader reader, Position position, OutputReceiver<SourceRecord> out)
        throws IOException {
      for (FrameReader.Frame frame = reader.next(); frame != null; frame = reader.next()) {
        position.number = frame.number();
        position.offset = reader.position();
        out.output(record(file.index(), frame));
        read.inc();
      }
    }

    private SourceRecord record(int file, FrameReader.Frame frame) {
      if (frame.error() != null) {
        return SourceRecord.unreadableFrame(
            file, frame.number(), frame.offset(), frame.preview(), frame.error());
      }
      byte[] bytes = frame.bytes();
      if (settings.binary()) {
        return SourceRecord.binary(file, frame.number(), frame.offset(), bytes);
      }
      int start = settings.split() == SplitType.NONE ? Text.bomLength(bytes, bytes.length) : 0;
      String text = Text.strict(bytes, start, bytes.length - start);
      return text == null
          ? SourceRecord.unreadableFrame(
              file,
              frame.number(),
              frame.offset(),
              Text.preview(bytes, 0, bytes.length),
              Text.NOT_UTF8)
          : SourceRecord.frame(file, frame.number(), frame.offset(), text);
    }
  }

  /** Why an object cannot be read (any more), after the records read. */
  private static String cannotRead(InputFile file, long after, Exception e) {
    return "Cannot read "
        + file.source()
        + (after > 0 ? " after record " + after : "")
        + ": "
        + (e instanceof java.io.EOFException
            ? "the data ends early (EOFException)"
            : e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /**
   * Loads the records a {@link Read#withDeferredObjects()} read deferred, with that read's
   * compression and size limits. Serializable and thread-safe.
   */
  public static final class ObjectLoader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Settings settings;

    private ObjectLoader(Settings settings) {
      this.settings = settings;
    }

    /**
     * The object's one record: its bytes, or the reason it cannot be read (missing, over the size
     * limit, broken compression), as the read would have made it.
     */
    public SourceRecord load(InputFile file) {
      RecordLimit limit = RecordLimit.of(settings.maxRecordBytes(), settings.maxPayloadMb());
      try (InputStream in = open(file.source(), settings.compression())) {
        FrameReader.Frame frame = FrameReader.of(SplitType.NONE, in, limit).next();
        if (frame == null) {
          return SourceRecord.binary(file.index(), 1, 0, new byte[0]);
        }
        return frame.error() != null
            ? SourceRecord.unreadableFrame(file.index(), 1, 0, frame.preview(), frame.error())
            : SourceRecord.binary(file.index(), 1, 0, frame.bytes());
      } catch (IOException | RuntimeException e) {
        return SourceRecord.unreadableFrame(file.index(), 1, 0, null, cannotRead(file, 0, e));
      }
    }
  }

  /** How far a read got, for the error of an object that breaks off. */
  private static final class Position {
    long number;
    long offset;
  }

  /** Opens an object of any registered file system, decompressing it. */
  static InputStream open(String source, Compression compression) throws IOException {
    var resource = FileSystems.matchSingleFileSpec(source).resourceId();
    Compression used = compression == Compression.AUTO ? Compression.detect(source) : compression;
    return Channels.newInputStream(used.readDecompressed(FileSystems.open(resource)));
  }
}
