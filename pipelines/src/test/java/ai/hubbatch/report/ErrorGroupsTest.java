package ai.hubbatch.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An errors file as the sink writes it, grouped by the kind of reason. */
class ErrorGroupsTest {

  @TempDir Path dir;

  @Test
  void groupsByTheReasonBeforeItsDetailsMostFrequentFirst() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int line = 1; line <= 5; line++) {
      lines.add(
          "{\"file\":\"/in/a.jsonl\",\"line\":"
              + line
              + ",\"reason\":\"Not valid JSON: Unrecognized token 'x"
              + line
              + "'\",\"record\":\"x"
              + line
              + "\"}");
    }
    lines.add(
        "{\"file\":\"/in/b.tfrecord\",\"offset\":34,\"reason\":\"TFRecord data checksum does not"
            + " match\",\"record\":\"...\"}");
    Path errors = dir.resolve("_errors.jsonl");
    Files.write(errors, lines);

    ErrorGroups groups = ErrorGroups.read(errors.toString());

    assertEquals(6, groups.total());
    assertEquals(0, groups.ungrouped());
    assertEquals(2, groups.groups().size());
    ErrorGroups.Group json = groups.groups().get(0);
    assertEquals("Not valid JSON", json.reason());
    assertEquals(5, json.count());
    assertEquals(
        List.of(
            new ErrorGroups.Example(
                "/in/a.jsonl:1", "Not valid JSON: Unrecognized token 'x1'", "x1"),
            new ErrorGroups.Example(
                "/in/a.jsonl:2", "Not valid JSON: Unrecognized token 'x2'", "x2"),
            new ErrorGroups.Example(
                "/in/a.jsonl:3", "Not valid JSON: Unrecognized token 'x3'", "x3")),
        json.examples());
    ErrorGroups.Group checksum = groups.groups().get(1);
    assertEquals("TFRecord data checksum does not match", checksum.reason());
    assertEquals("/in/b.tfrecord at byte 34", checksum.examples().get(0).where());
  }

  @Test
  void aMissingErrorsFileHasNoErrors() throws Exception {
    assertEquals(0, ErrorGroups.read(dir.resolve("none.jsonl").toString()).total());
  }
}
