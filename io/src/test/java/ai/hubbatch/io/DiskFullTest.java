package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The disk fills up at each step of the sink's commits ({@link FullDiskFileSystem}), over a folder
 * that holds an earlier run's complete output, as in the issue: after each failed job the folder
 * says only what is true, and {@code --resume} then gives exactly the uninterrupted run's bytes.
 */
class DiskFullTest {

  @TempDir static Path shared;
  @TempDir Path dir;

  /** A complete earlier run into the folder, and an uninterrupted run of the job. */
  private static Path earlierFolder;

  private static Map<String, String> earlier;

  private static Map<String, String> reference;

  @BeforeAll
  static void truths() throws Exception {
    FileSystems.setDefaultPipelineOptions(TestPipeline.testingPipelineOptions());
    earlierFolder = shared.resolve("earlier");
    SinkJob.run(FullDiskFileSystem.uri(earlierFolder), "earlier", false);
    earlier = FolderState.read(FullDiskFileSystem.uri(earlierFolder));
    String referenceFolder = FullDiskFileSystem.uri(shared.resolve("reference"));
    SinkJob.run(referenceFolder, "now", false);
    reference = FolderState.read(referenceFolder);
    FolderState.assertAccountsFor(reference, SinkJob.RECORDS);
  }

  @AfterEach
  void space() {
    FullDiskFileSystem.reset();
  }

  /**
   * Each file the sink writes on its way, by the end of its temporary path: a part of results and
   * the failed records of an input, each input's output and commit record, the errors file, the
   * launcher's report.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/0/0",
        "/0/errors",
        "/final/0",
        "/records/0",
        "/final/1",
        "/records/1",
        "/records/2",
        "/final/errors",
        "/written.jsonl"
      })
  void aFullDiskAtAnyCommitStepLeavesATruthfulFolderAndResumeFinishesIt(String step)
      throws Exception {
    String uri = withEarlierRun(dir.resolve("out"));

    Predicate<String> file = path -> path.contains("/.hubbatch/tmp/") && path.endsWith(step);
    FullDiskFileSystem.fillWhen(file, 0);
    assertThrows(Pipeline.PipelineExecutionException.class, () -> SinkJob.run(uri, "now", false));
    assertTrue(FullDiskFileSystem.filledUp(), "the disk filled up at " + step);
    FullDiskFileSystem.reset();

    Map<String, String> after = FolderState.read(uri);
    FolderState.assertConsistent("disk full at " + step, after, List.of(earlier, reference));
    assertFalse(
        after.containsKey(OutputFolder.ERRORS_FILE) && !after.equals(reference),
        "an errors file is written only once every input is committed");

    SinkJob.run(uri, "now", true);
    assertEquals(reference, FolderState.read(uri), "resumed after a full disk at " + step);
  }

  /**
   * The case: the outputs fit, the errors file does not. The folder must not keep the
   * earlier run's errors file beside the new outputs.
   */
  @Test
  void theOutputsFitAndTheErrorsFileDoesNot() throws Exception {
    String uri = withEarlierRun(dir.resolve("out"));
    FullDiskFileSystem.fillWhen(path -> path.endsWith("/final/errors"), 0);
    assertThrows(Pipeline.PipelineExecutionException.class, () -> SinkJob.run(uri, "now", false));
    Map<String, String> after = FolderState.read(uri);
    assertFalse(
        after.containsKey(OutputFolder.ERRORS_FILE), "no errors file lies about the outputs");
    assertEquals(reference.get("a.jsonl.out"), after.get("a.jsonl.out"));
    assertEquals(
        reference.get(".hubbatch/done/a.jsonl.jsonl"),
        after.get(".hubbatch/done/a.jsonl.jsonl"),
        "the new output's failed records are in its commit record");
  }

  /** A copy of the earlier run's folder. */
  private static String withEarlierRun(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(earlierFolder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path copy = folder.resolve(earlierFolder.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    return FullDiskFileSystem.uri(folder);
  }
}
