package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.FolderState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --resume} with the real default model: complete inputs are skipped unread, inputs
 * whose bytes, model or options changed are redone, and the folder ends exactly as one
 * uninterrupted run leaves it.
 */
class ResumeTest {

  @TempDir Path dir;

  private CliRun run(Path in, Path out, String... more) {
    String[] args = new String[5 + more.length];
    String[] base = {"run", "-i", in.toString(), "-o", out.toString()};
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return CliRun.of(args);
  }

  @Test
  void resumeSkipsWhatIsCompleteAndRedoesWhatChanged() throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    Files.writeString(
        in.resolve("a.jsonl"),
        "{\"inputs\":\"first\"}\nnot json\n{\"inputs\":\"third\"}\n{\"inputs\":\"fourth\"}\n");
    Files.writeString(in.resolve("b.jsonl"), "{\"inputs\":\"bee\"}\n{\"inputs\":\"buzz\"}\n");
    Files.writeString(in.resolve("c.jsonl"), "{\"inputs\":\"sea\"}\n");
    Path out = dir.resolve("out");

    CliRun first = run(in, out);
    assertEquals(1, first.code(), first.err());
    Map<String, String> whole = FolderState.read(out.toString());

    CliRun again = run(in, out, "--resume");
    assertEquals(1, again.code(), "the folder still holds a failed record: " + again.err());
    assertTrue(
        again.err().contains("hubbatch: resuming: 3 of 3 input(s) already complete"), again.err());
    assertTrue(
        again.out().contains("resumed        3 input(s) already complete, 7 records not read"),
        again.out());
    assertTrue(again.out().contains("records read   7"), again.out());
    assertEquals(whole, FolderState.read(out.toString()), "nothing rewritten, byte for byte");

    // An input whose bytes changed is redone, the others are not.
    Files.writeString(in.resolve("c.jsonl"), "{\"inputs\":\"sea\"}\n{\"inputs\":\"shore\"}\n");
    CliRun changed = run(in, out, "--resume");
    assertTrue(changed.err().contains("resuming: 2 of 3 input(s) already complete"), changed.err());
    Map<String, String> after = FolderState.read(out.toString());
    assertEquals(2, after.get("c.jsonl.out").split("\n").length);
    assertEquals(whole.get("a.jsonl.out"), after.get("a.jsonl.out"));
    assertNotEquals(
        whole.get(".hubbatch/done/c.jsonl.jsonl"), after.get(".hubbatch/done/c.jsonl.jsonl"));

    // Other options that shape the outputs redo every input.
    CliRun otherOptions = run(in, out, "--resume", "--output-filter", "$.embeddings");
    assertTrue(
        otherOptions.err().contains("resuming: 0 of 3 input(s) already complete"),
        otherOptions.err());

    // A lost commit record: that input alone is redone, and the folder is one run's again.
    CliRun whole2 = run(in, out);
    assertEquals(1, whole2.code(), whole2.err());
    Map<String, String> reference = FolderState.read(out.toString());
    Files.delete(out.resolve(".hubbatch/done/b.jsonl.jsonl"));
    Files.delete(out.resolve("_errors.jsonl"));
    CliRun resumed = run(in, out, "--resume");
    assertTrue(resumed.err().contains("resuming: 2 of 3 input(s) already complete"), resumed.err());
    assertEquals(reference, FolderState.read(out.toString()));
  }
}
