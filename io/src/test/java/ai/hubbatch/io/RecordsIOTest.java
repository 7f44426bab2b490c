package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordsIOTest {

  @TempDir Path dir;

  @Test
  void keepsLineNumbersSkipsBlankLinesAndReportsUnreadableLines() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    bytes.write("{\"inputs\":\"one\"}\r\n\n   \n".getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"', '\n'});
    bytes.write(("\"" + "x".repeat(300) + "\"\n").getBytes(StandardCharsets.UTF_8));
    bytes.write("{\"inputs\":\"é last, no newline\"}".getBytes(StandardCharsets.UTF_8));
    Path file = write("a.jsonl", bytes.toByteArray());

    assertRead(
        RecordsIO.read().withMaxRecordBytes(100),
        List.of(input(0, file)),
        List.of(
            "0:1 {\"inputs\":\"one\"}",
            "0:4 ERROR Record is not valid UTF-8",
            "0:5 ERROR Record is longer than the limit of 100 bytes (--max-record-bytes)",
            "0:6 {\"inputs\":\"é last, no newline\"}"));
  }

  @Test
  void readsGzipByExtensionOrWhenToldAndSeveralFiles() throws Exception {
    Path plain = write("p.jsonl", "1\n2\n".getBytes(StandardCharsets.UTF_8));
    Path gz = write("g.jsonl.gz", gzip("3\n4\n5\n"));
    assertRead(
        RecordsIO.read(),
        List.of(input(0, plain), input(1, gz)),
        List.of("0:1 1", "0:2 2", "1:1 3", "1:2 4", "1:3 5"));
    // SageMaker's CompressionType Gzip: every object is gzip, whatever its name.
    Path named = write("data.jsonl", gzip("6\n"));
    assertRead(
        RecordsIO.read().withCompression(Compression.GZIP),
        List.of(input(0, named)),
        List.of("0:1 6"));
  }

  @Test
  void reportsAnObjectThatCannotBeReadAfterWhatWasRead() throws Exception {
    // 1,000 incompressible lines, gzip cut in the middle: the first lines read, then an error.
    java.util.Random random = new java.util.Random(7);
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 1000; i++) {
      text.append(i)
          .append(' ')
          .append(HexFormat.of().formatHex(randomBytes(random, 50)))
          .append('\n');
    }
    byte[] whole = gzip(text.toString());
    Path truncated = write("cut.jsonl.gz", java.util.Arrays.copyOf(whole, whole.length * 3 / 4));
    Path missing = dir.resolve("gone.jsonl");
    String cutName = truncated.toString();
    String goneName = missing.toString();
    Pipeline pipeline = TestPipelines.create();
    PCollection<SourceRecord> records =
        pipeline
            .apply(Create.of(List.of(input(0, truncated), input(1, missing))))
            .apply(RecordsIO.read());
    PAssert.that(records)
        .satisfies(
            all -> {
              List<SourceRecord> cut = new java.util.ArrayList<>();
              List<String> gone = new java.util.ArrayList<>();
              for (SourceRecord r : all) {
                if (r.file() == 0) {
                  cut.add(r);
                } else {
                  gone.add(r.line() + " " + r.readError());
                }
              }
              cut.sort(java.util.Comparator.comparingLong(SourceRecord::line));
              int errorAt = cut.size();
              assertEquals(
                  List.of(
                      errorAt
                          + " Cannot read "
                          + cutName
                          + " after record "
                          + (errorAt - 1)
                          + ": the data ends early (EOFException)"),
                  List.of(cut.get(errorAt - 1).line() + " " + cut.get(errorAt - 1).readError()));
              org.junit.jupiter.api.Assertions.assertTrue(
                  errorAt > 100 && errorAt < 1000, "" + errorAt);
              for (int i = 0; i < errorAt - 1; i++) {
                assertEquals(i + 1, cut.get(i).line());
                org.junit.jupiter.api.Assertions.assertTrue(
                    cut.get(i).text().startsWith((i + 1) + " "));
              }
              assertEquals(
                  List.of(
                      "1 Cannot read "
                          + goneName
                          + ": FileNotFoundException: "
                          + "File spec "
                          + goneName
                          + " not found"),
                  gone);
              return null;
            });
    TestPipelines.run(pipeline);
  }

  private static byte[] randomBytes(java.util.Random random, int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  @Test
  void takesAHeaderLineAndGivesItToEveryRecord() throws Exception {
    Path withHeader = write("h.csv", "\nid,inputs\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
    Path without = write("n.csv", "3,c\n".getBytes(StandardCharsets.UTF_8));
    Pipeline pipeline = TestPipelines.create();
    PCollection<String> described =
        pipeline
            .apply(Create.of(List.of(input(0, withHeader), input(1, without))))
            .apply(RecordsIO.read().withHeaderLine(line -> line.contains("inputs")))
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        r -> r.file() + ":" + r.line() + " " + r.text() + " header=" + r.header()));
    PAssert.that(described)
        .containsInAnyOrder(
            "0:3 1,a header=id,inputs", "0:4 2,b header=id,inputs", "1:1 3,c header=null");
    TestPipelines.run(pipeline);
  }

  @Test
  void readsWholeObjectsAsTextOrBytesUnderThePayloadLimit() throws Exception {
    Path json =
        write(
            "doc.json", "\uFEFF{\"inputs\": [\"a\",\n \"b\"]}\n".getBytes(StandardCharsets.UTF_8));
    Path big = write("big.json", new byte[(1 << 20) + 5]);
    assertRead(
        RecordsIO.read().withSplitType(SplitType.NONE).withMaxPayloadMb(1),
        List.of(input(0, json), input(1, big)),
        List.of(
            "0:1@0 {\"inputs\": [\"a\",\n \"b\"]}\n",
            "1:1@0 ERROR Record is larger than the payload limit of 1MB (MaxPayloadInMB, "
                + "--max-payload-mb; 0 for no limit)"));
    Path image = write("cat.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0});
    assertRead(
        RecordsIO.read().withSplitType(SplitType.NONE).withBinaryRecords(),
        List.of(input(0, image)),
        List.of("0:1@0 bytes ffd8ff00"));
  }

  @Test
  void deferredObjectsAreNamesUntilLoadedWithTheReadsLimits() throws Exception {
    Path image = write("cat.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0});
    Path empty = write("empty.jpg", new byte[0]);
    Path big = write("big.jpg", new byte[(1 << 20) + 5]);
    Path gone = dir.resolve("gone.jpg");
    RecordsIO.Read read =
        RecordsIO.read()
            .withSplitType(SplitType.NONE)
            .withBinaryRecords()
            .withMaxPayloadMb(1)
            .withDeferredObjects();
    List<InputFile> files =
        List.of(input(0, image), input(1, empty), input(2, big), input(3, gone));
    Pipeline pipeline = TestPipelines.create();
    PAssert.that(
            pipeline
                .apply(Create.of(files))
                .apply(read)
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            r ->
                                r.file() + ":" + r.line() + "@" + r.offset() + " " + r.deferred())))
        .containsInAnyOrder("0:1@0 true", "1:1@0 true", "2:1@0 true", "3:1@0 true");
    TestPipelines.run(pipeline);

    RecordsIO.ObjectLoader loader = SerializableUtils.clone(read.loader());
    assertEquals("0:1@0 bytes ffd8ff00", describe(loader.load(files.get(0))));
    assertEquals(
        "1:1@0 bytes ", describe(loader.load(files.get(1))), "an empty object, one record");
    assertEquals(
        "2:1@0 ERROR Record is larger than the payload limit of 1MB (MaxPayloadInMB, "
            + "--max-payload-mb; 0 for no limit)",
        describe(loader.load(files.get(2))));
    assertTrue(
        describe(loader.load(files.get(3))).startsWith("3:1@0 ERROR Cannot read " + gone),
        describe(loader.load(files.get(3))));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TestPipelines.create()
                .apply(Create.of(files))
                .apply(RecordsIO.read().withSplitType(SplitType.NONE).withDeferredObjects()));
  }

  /** A TFRecord frame of {"inputs":"hello"} made by an independent Python CRC-32C. */
  private static final String TF_HELLO =
      "1200000000000000241f64257b22696e70757473223a2268656c6c6f227dbda5c28c";

  @Test
  void splitsTfRecordFramesAndChecksTheirChecksums() throws Exception {
    byte[] hello = HexFormat.of().parseHex(TF_HELLO);
    byte[] corrupt = hello.clone();
    corrupt[15] = 'X'; // inside the data: that record fails, the next is found
    byte[] brokenLength = hello.clone();
    brokenLength[0] = 0x13; // the length no longer matches its checksum: nothing more is framed
    Path file = write("a.tfrecord", concat(hello, corrupt, hello, brokenLength, hello));
    assertRead(
        RecordsIO.read().withSplitType(SplitType.TF_RECORD),
        List.of(input(0, file)),
        List.of(
            "0:1@0 {\"inputs\":\"hello\"}",
            "0:2@34 ERROR TFRecord data checksum does not match: the record is corrupt",
            "0:3@68 {\"inputs\":\"hello\"}",
            "0:4@102 ERROR No TFRecord frame at offset 102 (the length's checksum does not "
                + "match)"));
  }

  @Test
  void splitsRecordIoFramesJoiningMultiPartRecords() throws Exception {
    // Hand-made frame: magic 0xced7230a, length 3, "abc", one byte of padding.
    byte[] abc = HexFormat.of().parseHex("0a23d7ce03000000616263" + "00");
    byte[] parts = concat(recordIo(1, "left"), recordIo(2, "mid"), recordIo(3, "right"));
    byte[] large = recordIo(0, "x".repeat(40));
    byte[] garbage = "not a frame".getBytes(StandardCharsets.UTF_8);
    Path file = write("a.rec", concat(abc, parts, large, abc, garbage));
    assertRead(
        RecordsIO.read()
            .withSplitType(SplitType.RECORD_IO)
            .withMaxRecordBytes(30)
            .withBinaryRecords(),
        List.of(input(0, file)),
        List.of(
            "0:1@0 bytes 616263",
            // MXNet joins the parts with the magic number between them.
            "0:2@12 bytes " + hex("left") + "0a23d7ce" + hex("mid") + "0a23d7ce" + hex("right"),
            "0:3@52 ERROR Record is longer than the limit of 30 bytes (--max-record-bytes)",
            "0:4@100 bytes 616263",
            "0:5@112 ERROR No RecordIO frame at offset 112 (the magic number 0xced7230a is "
                + "missing)"));
  }

  private static byte[] recordIo(int flag, String data) {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    int padded = (bytes.length + 3) / 4 * 4;
    ByteBuffer frame = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    frame.putInt(RecordIoFrames.MAGIC).putInt(flag << 29 | bytes.length).put(bytes);
    return frame.array();
  }

  private static String hex(String text) {
    return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[]... arrays) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] array : arrays) {
      out.writeBytes(array);
    }
    return out.toByteArray();
  }

  private static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  private static InputFile input(int index, Path file) {
    return new InputFile(index, file.toString(), file.getFileName().toString());
  }

  private static void assertRead(
      RecordsIO.Read read, List<InputFile> files, List<String> expected) {
    Pipeline pipeline = TestPipelines.create();
    PCollection<String> described =
        pipeline
            .apply(Create.of(files))
            .apply(read)
            .apply(MapElements.into(TypeDescriptors.strings()).via(RecordsIOTest::describe));
    PAssert.that(described).containsInAnyOrder(expected);
    TestPipelines.run(pipeline);
  }

  private static String describe(SourceRecord r) {
    String where = r.file() + ":" + r.line() + (r.offset() >= 0 ? "@" + r.offset() : "") + " ";
    if (!r.readable()) {
      return where + "ERROR " + r.readError();
    }
    return where + (r.binary() ? "bytes " + HexFormat.of().formatHex(r.data()) : r.text());
  }
}
