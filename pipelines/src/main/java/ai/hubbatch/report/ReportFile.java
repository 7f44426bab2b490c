package ai.hubbatch.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Writes the report into an output folder on any Beam file system (a local folder, {@code s3://}).
 * A reader never sees half a page: a local page is written beside and renamed into place, and an
 * object store's upload appears whole.
 */
public final class ReportFile {

  /** The report's name in the output folder. */
  public static final String NAME = "_report.html";

  private ReportFile() {}

  /**
   * Writes {@code page} as {@code <folder>/_report.html}.
   *
   * @return where it went
   */
  public static String write(String folder, String page) throws IOException {
    ResourceId directory = FileSystems.matchNewResource(folder, true);
    ResourceId destination = directory.resolve(NAME, StandardResolveOptions.RESOLVE_FILE);
    boolean local = destination.getScheme().equals("file");
    ResourceId target =
        local
            ? directory.resolve(".hubbatch-report.html.tmp", StandardResolveOptions.RESOLVE_FILE)
            : destination;
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(target, "text/html"))) {
      out.write(page.getBytes(StandardCharsets.UTF_8));
    }
    if (local) {
      FileSystems.rename(
          List.of(target),
          List.of(destination),
          MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    }
    return destination.toString();
  }
}
