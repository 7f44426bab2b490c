package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

  @TempDir Path dir;

  @Test
  void namesFilesBelowTheirBase() throws Exception {
    Files.createDirectories(dir.resolve("in/2024"));
    Files.writeString(dir.resolve("in/a.jsonl"), "1\n");
    Files.writeString(dir.resolve("in/2024/b.jsonl"), "1\n");
    Files.writeString(dir.resolve("in/_errors.jsonl"), "hidden\n");
    Files.writeString(dir.resolve("in/.hidden"), "hidden\n");
    // An output folder inside the input: its bookkeeping is no input.
    Files.createDirectories(dir.resolve("in/.hubbatch/done"));
    Files.writeString(dir.resolve("in/.hubbatch/done/a.jsonl.jsonl"), "{}\n");
    Files.writeString(dir.resolve("c.jsonl"), "1\n");

    List<InputFile> folder = InputFiles.expand(List.of(dir.resolve("in").toString()));
    assertEquals(
        List.of("2024/b.jsonl", "a.jsonl"), folder.stream().map(InputFile::relativeName).toList());
    assertEquals(List.of(0, 1), folder.stream().map(InputFile::index).toList());
    // Each file's version is what a listing says of its bytes: size and modification time.
    Path a = dir.resolve("in/a.jsonl");
    assertEquals(
        "size=2 modified=" + Files.getLastModifiedTime(a).toMillis(), folder.get(1).version());

    List<InputFile> glob = InputFiles.expand(List.of(dir + "/in/*.jsonl", dir + "/c.jsonl"));
    assertEquals(
        List.of("a.jsonl", "c.jsonl"), glob.stream().map(InputFile::relativeName).toList());
    assertTrue(glob.get(0).source().endsWith("/in/a.jsonl"));
  }

  @Test
  void refusesManifestsNotInSageMakersForm() throws Exception {
    Path manifest = dir.resolve("m.json");
    for (String bad :
        List.of(
            "{}",
            "[]",
            "[\"a\"]",
            "[{\"prefix\":\"s3://b/\"}, 3]",
            "[{\"prefix\":\"s3://b/\"}]",
            "[{\"prefix\":\"s3://b/\"}, \"a\", \"a\"]",
            "[oops")) {
      Files.writeString(manifest, bad);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> InputFiles.fromManifest(manifest.toString()),
              bad);
      assertTrue(e.getMessage().startsWith("The manifest " + manifest), e.getMessage());
    }
  }

  @Test
  void refusesNoMatchesAndClashingOutputNames() throws Exception {
    Files.createDirectories(dir.resolve("x"));
    Files.createDirectories(dir.resolve("y"));
    Files.writeString(dir.resolve("x/a.jsonl"), "1\n");
    Files.writeString(dir.resolve("y/a.jsonl"), "1\n");
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputFiles.expand(List.of(dir + "/nothing*.jsonl")));
    assertTrue(none.getMessage().startsWith("No input files match"), none.getMessage());
    IllegalArgumentException clash =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputFiles.expand(List.of(dir + "/x/a.jsonl", dir + "/y/a.jsonl")));
    assertTrue(clash.getMessage().contains("a.jsonl.out"), clash.getMessage());
  }
}
