package ai.hubbatch.io;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlIOTest {

  @TempDir Path dir;

  @Test
  void keepsLineNumbersSkipsBlankLinesAndReportsUnreadableLines() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    bytes.write("{\"inputs\":\"one\"}\r\n\n   \n".getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"', '\n'});
    bytes.write(("\"" + "x".repeat(300) + "\"\n").getBytes(StandardCharsets.UTF_8));
    bytes.write("{\"inputs\":\"é last, no newline\"}".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("a.jsonl");
    Files.write(file, bytes.toByteArray());

    assertRead(List.of(new InputFile(0, file.toString(), "a.jsonl")), 100, List.of(
        "0:1 {\"inputs\":\"one\"}",
        "0:4 ERROR Record is not valid UTF-8",
        "0:5 ERROR Record is longer than the limit of 100 bytes",
        "0:6 {\"inputs\":\"é last, no newline\"}"));
  }

  @Test
  void readsGzipAndSeveralFiles() throws Exception {
    Path plain = dir.resolve("p.jsonl");
    Files.writeString(plain, "1\n2\n");
    Path gz = dir.resolve("g.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("3\n4\n5\n".getBytes(StandardCharsets.UTF_8));
    }
    assertRead(List.of(new InputFile(0, plain.toString(), "p.jsonl"),
        new InputFile(1, gz.toString(), "g.jsonl.gz")), 1 << 20,
        List.of("0:1 1", "0:2 2", "1:1 3", "1:2 4", "1:3 5"));
  }

  private static void assertRead(List<InputFile> files, int maxBytes, List<String> expected) {
    Pipeline pipeline = TestPipelines.create();
    PCollection<String> described = pipeline
        .apply(Create.of(files))
        .apply(JsonlIO.read().withMaxRecordBytes(maxBytes))
        .apply(MapElements.into(TypeDescriptors.strings()).via(r -> r.file() + ":" + r.line() + " "
            + (r.readable() ? r.text() : "ERROR " + r.readError())));
    PAssert.that(described).containsInAnyOrder(expected);
    TestPipelines.run(pipeline);
  }
}
