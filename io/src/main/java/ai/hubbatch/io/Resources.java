package ai.hubbatch.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/** File operations on any Beam file system (local, S3, ...), as the sinks need them. */
final class Resources {

  private Resources() {}

  /** A file below a folder; {@code relative} may hold {@code /}-separated subfolders. */
  static ResourceId file(String folder, String relative) {
    ResourceId current = FileSystems.matchNewResource(folder, true);
    String[] parts = relative.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      current = current.resolve(parts[i], StandardResolveOptions.RESOLVE_DIRECTORY);
    }
    return current.resolve(parts[parts.length - 1], StandardResolveOptions.RESOLVE_FILE);
  }

  static OutputStream create(ResourceId file, String mimeType) throws IOException {
    return new BufferedOutputStream(
        Channels.newOutputStream(FileSystems.create(file, mimeType)), 1 << 16);
  }

  static OutputStream createText(ResourceId file) throws IOException {
    return create(file, MimeTypes.TEXT);
  }

  /**
   * Moves a finished file into place. Local moves are atomic renames; object stores copy then
   * delete, and the copy appears whole, so a reader never sees half a file.
   */
  static void publish(ResourceId temporary, ResourceId destination) throws IOException {
    if (temporary.getScheme().equals("file")) {
      FileSystems.rename(
          List.of(temporary),
          List.of(destination),
          MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      return;
    }
    // Beam's object stores take no move options. A retried step whose first try already
    // published finds no temporary file and leaves the output as it is.
    if (exists(temporary) || !exists(destination)) {
      FileSystems.rename(List.of(temporary), List.of(destination));
    }
  }

  /** Deletes a file if it exists. */
  static void deleteIfExists(ResourceId file) throws IOException {
    // Beam looks each file up before it deletes with this option: one request, not two.
    FileSystems.delete(List.of(file), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  static boolean exists(ResourceId file) throws IOException {
    MatchResult match =
        FileSystems.match(List.of(file.toString()), EmptyMatchTreatment.ALLOW).get(0);
    return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
  }

  /**
   * A file's size in bytes.
   *
   * @throws java.io.FileNotFoundException if it does not exist
   */
  static long size(ResourceId file) throws IOException {
    return FileSystems.matchSingleFileSpec(file.toString()).sizeBytes();
  }

  /** Deletes a local folder if it is empty; object stores have no folders to delete. */
  static void deleteIfEmptyFolder(String folder) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(folder, true);
    if (dir.getScheme().equals("file")) {
      try {
        Files.deleteIfExists(Paths.get(dir.toString()));
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        // Another job's temporary files.
      }
    }
  }

  /** Deletes a folder and everything below it; a missing folder is fine. */
  static void deleteTree(String folder) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(folder, true);
    if (dir.getScheme().equals("file")) {
      Path path = Paths.get(dir.toString());
      if (Files.exists(path)) {
        try (Stream<Path> files = Files.walk(path)) {
          for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(p);
          }
        }
      }
      return;
    }
    MatchResult match = FileSystems.match(List.of(dir + "**"), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() != MatchResult.Status.OK) {
      return;
    }
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata m : match.metadata()) {
      files.add(m.resourceId());
    }
    FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }
}
