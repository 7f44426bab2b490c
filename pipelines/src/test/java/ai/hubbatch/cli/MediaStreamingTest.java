package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder of image files larger than the JVM's heap streams through {@code hubbatch run}: files
 * are read where they are scored, a few batches at a time, so the job never holds them all. The job
 * runs in a child JVM whose heap ({@value #HEAP}) is a third of the folder; a job that held every
 * file between two steps (as the DirectRunner holds a step's whole output) dies of
 * OutOfMemoryError.
 */
class MediaStreamingTest {

  private static final String HEAP = "128m";
  private static final int FILES = 100;

  /** JPEG comment segments per file: each carries 64 KiB, so a file is about 4 MiB. */
  private static final int COMMENTS = 63;

  @TempDir Path dir;

  @Test
  void aFolderLargerThanTheHeapStreams() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    byte[] image = padded(Files.readAllBytes(VisionRunTest.SAMPLES.resolve("jpeg-baseline.jpg")));
    for (int i = 0; i < FILES; i++) {
      Files.write(in.resolve(String.format("image-%03d.jpg", i)), image);
    }
    long total = (long) FILES * image.length;
    assertTrue(total > 3 * (128L << 20), "the folder is three heaps: " + total);

    Path out = dir.resolve("out");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                "-DDJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR", "target/djl-cache"),
                "-DHUBBATCH_CACHE=" + System.getProperty("HUBBATCH_CACHE", "target/test-cache"),
                "-Dai.djl.offline=true",
                Main.class.getName(),
                "run",
                "--model",
                VisionRunTest.model("tiny-vit-classifier"),
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--content-type",
                "image/jpeg",
                // groups of 16 files: the grouped, reshuffled listing of a large folder
                "--sort-buffer",
                "16"));
    command.addAll(CliRun.testRunnerOptions());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    process.getInputStream().transferTo(log);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, process.exitValue(), log.toString());
    for (int i = 0; i < FILES; i++) {
      assertEquals(
          1, Files.readAllLines(out.resolve(String.format("image-%03d.jpg.out", i))).size());
    }
    assertEquals("", Files.readString(out.resolve("_errors.jsonl")));
  }

  /** The JPEG with comment segments after its start marker: the same image, 4 MiB of bytes. */
  private static byte[] padded(byte[] jpeg) {
    int payload = 0xFFFF - 2;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    for (int c = 0; c < COMMENTS; c++) {
      out.write(0xFF);
      out.write(0xFE);
      out.write(0xFF);
      out.write(0xFF);
      for (int i = 0; i < payload; i++) {
        out.write('a' + (i + c) % 26);
      }
    }
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
