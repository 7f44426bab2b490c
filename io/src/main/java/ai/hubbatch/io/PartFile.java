package ai.hubbatch.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * A temporary file of {@link ResultRecord}s, written and read with their Beam coder, so any output
 * (a CSV row with quoted newlines, a JSON value) comes back exactly as it went in.
 */
final class PartFile {

  /** Receives a part's records in order. */
  interface RecordConsumer {
    void accept(ResultRecord record) throws IOException;
  }

  private PartFile() {}

  static OutputStream create(String path) throws IOException {
    return Resources.create(FileSystems.matchNewResource(path, false), MimeTypes.BINARY);
  }

  static void write(OutputStream out, ResultRecord record) throws IOException {
    ResultRecord.Coder.of().encode(record, out);
  }

  /**
   * Reads a part's records in record-number order, each number once (a part holds at most a chunk
   * of records, so they fit in memory).
   */
  static void readSorted(String path, RecordConsumer consumer) throws IOException {
    List<ResultRecord> records = new ArrayList<>();
    read(path, records::add);
    records.sort(Comparator.comparingLong(ResultRecord::line));
    long previous = -1;
    for (ResultRecord record : records) {
      if (record.line() != previous) {
        consumer.accept(record);
      }
      previous = record.line();
    }
  }

  static void read(String path, RecordConsumer consumer) throws IOException {
    ResourceId file = FileSystems.matchNewResource(path, false);
    try (InputStream in =
        new BufferedInputStream(Channels.newInputStream(FileSystems.open(file)), 1 << 16)) {
      while (true) {
        in.mark(1);
        if (in.read() < 0) {
          return;
        }
        in.reset();
        consumer.accept(ResultRecord.Coder.of().decode(in));
      }
    }
  }
}
