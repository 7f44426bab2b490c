package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code --resume} trusts of an output folder, and what a job cleans up when it starts. */
class OutputFolderTest {

  @TempDir Path dir;
  private String out;

  @BeforeEach
  void setUp() throws Exception {
    FileSystems.setDefaultPipelineOptions(TestPipeline.testingPipelineOptions());
    out = dir.resolve("out").toString();
    SinkJob.run(out, "now", false);
  }

  private List<Integer> complete(List<InputFile> inputs, String digest) throws Exception {
    List<Integer> indexes = new ArrayList<>();
    for (WrittenFile file : OutputFolder.at(out).complete(inputs, digest, OutputFormat.JSONL)) {
      indexes.add(file.input());
    }
    return indexes;
  }

  @Test
  void resumeTrustsOnlyOutputsMadeFromTheSameBytesWithTheSameSettings() throws Exception {
    assertEquals(List.of(0, 1, 2), complete(SinkJob.INPUTS, "now"));
    assertEquals(
        new WrittenFile(1, dir.resolve("out/sub/b.jsonl.out").toString(), 2, 1),
        OutputFolder.at(out).complete(SinkJob.INPUTS, "now", OutputFormat.JSONL).get(1),
        "counted as the commit record says");
    assertEquals(List.of(), complete(SinkJob.INPUTS, "another model"), "other settings");
    assertEquals(List.of(), complete(SinkJob.INPUTS, "now").stream().filter(i -> false).toList());

    List<InputFile> changed = new ArrayList<>(SinkJob.INPUTS);
    changed.set(0, new InputFile(0, "/data/a.jsonl", "a.jsonl", "size=90001 modified=9"));
    changed.set(1, new InputFile(1, "/data/sub/b.jsonl", "sub/b.jsonl", null));
    assertEquals(List.of(2), complete(changed, "now"), "a changed input, an unknown version");

    Files.writeString(dir.resolve("out/sub/b.jsonl.out"), "edited by hand\n");
    Files.delete(dir.resolve("out/empty.jsonl.out"));
    assertEquals(List.of(0), complete(SinkJob.INPUTS, "now"), "outputs changed or gone");

    Files.delete(dir.resolve("out/.hubbatch/done/a.jsonl.jsonl"));
    assertEquals(List.of(), complete(SinkJob.INPUTS, "now"), "no commit record, no trust");
  }

  @Test
  void theErrorsFileCoversEveryCommittedInputEvenAnotherJobs() throws Exception {
    Map<String, String> first = FolderState.read(out);
    // A later job into the same folder with one input of another name.
    List<InputFile> other =
        List.of(new InputFile(0, "/data/c.jsonl", "c.jsonl", "size=1 modified=1"));
    ResultsIO.Write write = ResultsIO.write().to(out).withInputs(other).withJobDigest("other");
    OutputFolder.at(out).begin(write.jobId());
    var pipeline = TestPipelines.create();
    TestPipelines.results(pipeline, List.of(ResultRecord.error(0, 1, "bad c", "c1")), List.of(0))
        .apply(write);
    TestPipelines.run(pipeline);
    write.cleanUp();
    Map<String, String> after = FolderState.read(out);
    FolderState.assertConsistent("a second job", after, List.of(first, after));
    assertTrue(after.get(OutputFolder.ERRORS_FILE).contains("\"file\":\"/data/c.jsonl\""));
    for (String line : first.get(OutputFolder.ERRORS_FILE).split("\n")) {
      assertTrue(
          after.get(OutputFolder.ERRORS_FILE).contains(line + "\n"),
          "a.jsonl and sub/b.jsonl are still in the folder, so are their failed records: " + line);
    }
  }

  @Test
  void aJobStartsWithoutTheErrorsFileAndWithoutGoneJobsTemporaryFiles() throws Exception {
    Path gone = dir.resolve("out/.hubbatch/tmp/killed-job/0/0.outputs");
    Files.createDirectories(gone.getParent());
    Files.writeString(gone, "left by a killed job");
    Path mine = dir.resolve("out/.hubbatch/tmp/my-job/x");
    Files.createDirectories(mine.getParent());
    Files.writeString(mine, "mine");
    OutputFolder.at(out).begin("my-job");
    assertFalse(Files.exists(dir.resolve("out/_errors.jsonl")));
    assertFalse(Files.exists(dir.resolve("out/.hubbatch/tmp/killed-job")));
    assertTrue(Files.exists(mine));
  }

  @Test
  void anOutputPathThatIsAFileIsRefused() throws Exception {
    Path file = dir.resolve("results.txt");
    Files.writeString(file, "not a folder");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OutputFolder.at(file.resolve("sub").toString()).lock("job"));
    assertEquals(
        "The output "
            + file.resolve("sub")
            + " cannot be a folder: "
            + file
            + " is a file. Give --output a folder (it is created when missing).",
        e.getMessage());
  }
}
