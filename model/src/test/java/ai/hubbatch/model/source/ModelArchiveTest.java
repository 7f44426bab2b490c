package ai.hubbatch.model.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** model.tar.gz archives: extracted once, safely, and located from paths and URIs. */
class ModelArchiveTest {

  private static final String CONFIG = "{\"architectures\":[\"BertModel\"]}";

  @TempDir Path temp;

  /** A tar.gz writer for tests: regular files, or the entries an attacker would write. */
  private static final class Tar implements AutoCloseable {
    private final TarArchiveOutputStream out;

    Tar(Path file) throws IOException {
      out = new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(file)));
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    Tar file(String name, String content) throws IOException {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(name, true);
      entry.setSize(bytes.length);
      out.putArchiveEntry(entry);
      out.write(bytes);
      out.closeArchiveEntry();
      return this;
    }

    Tar link(String name, String target, byte type) throws IOException {
      TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
      entry.setLinkName(target);
      out.putArchiveEntry(entry);
      out.closeArchiveEntry();
      return this;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  private Path goodArchive(String prefix) throws IOException {
    Path file = temp.resolve(prefix.isEmpty() ? "model.tar.gz" : "wrapped.tar.gz");
    try (Tar tar = new Tar(file)) {
      tar.file(prefix + "config.json", CONFIG)
          .file(prefix + "onnx/model.onnx", "weights")
          .file(prefix + "1_Pooling/config.json", "{}");
    }
    return file;
  }

  private ModelLocator locator() {
    return ModelLocator.fromEnvironment().withCache(temp.resolve("cache"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "./", "model/"})
  void extractsOnceIntoAFolderNamedByTheArchivesDigest(String prefix) throws Exception {
    Path archive = goodArchive(prefix);
    LocatedModel located = locator().locate(archive.toString(), null, Optional.empty());
    String sha256 = ModelArchive.sha256(archive);
    assertEquals("sha256:" + sha256, located.revision());
    assertEquals(archive.toAbsolutePath().toString(), located.reference());
    assertEquals(
        List.of("1_Pooling/config.json", "config.json", "onnx/model.onnx"),
        located.folder().listFiles());
    assertEquals(CONFIG, Files.readString(located.folder().path().resolve("config.json")));
    assertTrue(located.folder().path().startsWith(temp.resolve("cache/archives/" + sha256)));

    Path marker = located.folder().path().resolve("extracted-once");
    Files.createFile(marker);
    LocatedModel again = locator().locate(archive.toString(), null, Optional.empty());
    assertTrue(
        Files.exists(again.folder().path().resolve("extracted-once")), "not extracted again");
  }

  @Test
  void remoteArchivesComeThroughRemoteFilesAndPinnedOnesFromTheCache() throws Exception {
    Path archive = goodArchive("");
    String uri = archive.toUri().toString();
    AtomicInteger copies = new AtomicInteger();
    ModelLocator locator =
        locator()
            .withRemoteFiles(
                (from, target) -> {
                  copies.incrementAndGet();
                  Files.copy(Path.of(java.net.URI.create(from)), target);
                });
    LocatedModel located = locator.locate(uri, null, Optional.empty());
    assertEquals(uri, located.reference());
    assertEquals(1, copies.get());
    assertEquals(List.of(), filesIn(temp.resolve("cache/downloads")), "the copy is removed");

    LocatedModel worker = locator.locate(uri, located.revision(), Optional.empty());
    assertEquals(located.folder().path(), worker.folder().path());
    assertEquals(1, copies.get(), "a worker with the pinned digest finds the extraction");

    IllegalArgumentException changed =
        assertThrows(
            IllegalArgumentException.class,
            () -> locator.locate(uri, "sha256:" + "0".repeat(64), Optional.empty()));
    assertTrue(
        changed.getMessage().contains("changed after the job started"), changed.getMessage());

    IllegalArgumentException noFileSystem =
        assertThrows(
            IllegalArgumentException.class,
            () -> locator().locate("s3://bucket/model.tar.gz", null, Optional.empty()));
    assertTrue(
        noFileSystem.getMessage().contains("Nothing here reads s3://bucket/model.tar.gz"),
        noFileSystem.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dotdot",
        "nested-dotdot",
        "absolute",
        "symlink",
        "inner-symlink",
        "hardlink",
        "not-gzip",
        "too-big",
        "too-many"
      })
  void rejectsUnsafeArchivesWithNothingWritten(String attack) throws Exception {
    Path archive = temp.resolve("evil.tar.gz");
    Path outside = temp.resolve("outside");
    ModelArchive archives = ModelArchive.inCache(temp.resolve("cache/archives"));
    try (Tar tar = attack.equals("not-gzip") ? null : new Tar(archive)) {
      switch (attack) {
        case "dotdot" -> tar.file("config.json", CONFIG).file("../outside", "pwned");
        case "nested-dotdot" -> tar.file("onnx/../../outside", "pwned");
        case "absolute" -> tar.file(outside.toString(), "pwned");
        case "symlink" ->
            tar.link("escape", temp.toString(), TarArchiveEntry.LF_SYMLINK)
                .file("escape/outside", "pwned");
        case "inner-symlink" ->
            tar.link("model.onnx", "onnx/model.onnx", TarArchiveEntry.LF_SYMLINK);
        case "hardlink" -> tar.link("config.json", "/etc/passwd", TarArchiveEntry.LF_LINK);
        case "too-big" -> tar.file("onnx/model.onnx", "x".repeat(2000));
        case "too-many" -> {
          for (int i = 0; i < 12; i++) {
            tar.file("f" + i, "x");
          }
        }
        default -> Files.writeString(archive, "not a tar.gz at all");
      }
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> archives.withLimits(1000, 10).extract(archive));
    assertTrue(
        e.getMessage().startsWith("The model archive " + archive + " is rejected: ")
            && e.getMessage().endsWith("Nothing was extracted."),
        e.getMessage());
    assertFalse(Files.exists(outside), "written outside the target");
    assertEquals(List.of(), filesIn(temp.resolve("cache/archives")), "nothing left behind");
  }

  /**
   * Archives GNU tar made of {@code config.json} and a special file (in a scratch folder: {@code
   * mkfifo pipe; mknod null c 1 3; mknod loop b 7 0; tar --owner=0 --group=0 --numeric-owner
   * --mtime=2024-01-01 -czf <kind>.tar.gz config.json <kind>}): a FIFO, a character device and a
   * block device are refused whole, not extracted as empty files.
   */
  @ParameterizedTest
  @ValueSource(strings = {"pipe", "null", "loop"})
  void specialFilesAreRejectedWithNothingWritten(String kind) throws Exception {
    Path archive = temp.resolve(kind + ".tar.gz");
    try (var in = ModelArchiveTest.class.getResourceAsStream("/archives/" + kind + ".tar.gz")) {
      Files.copy(in, archive);
    }
    ModelArchive archives = ModelArchive.inCache(temp.resolve("cache/archives"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> archives.extract(archive));
    assertEquals(
        "The model archive "
            + archive
            + " is rejected: its entry "
            + kind
            + " is neither a folder nor a regular file. Nothing was extracted.",
        e.getMessage());
    assertEquals(List.of(), filesIn(temp.resolve("cache/archives")), "nothing left behind");
  }

  @Test
  void linksAreRejectedWithTheWayOut() throws Exception {
    Path archive = temp.resolve("snapshot.tar.gz");
    try (Tar tar = new Tar(archive)) {
      tar.link("config.json", "../../blobs/abc", TarArchiveEntry.LF_SYMLINK);
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> locator().locate(archive.toString(), null, Optional.empty()));
    assertTrue(
        e.getMessage().contains("config.json -> ../../blobs/abc")
            && e.getMessage().contains("tar --dereference (-h)"),
        e.getMessage());
  }

  private static List<String> filesIn(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(folder)) {
      return all.filter(p -> !p.equals(folder))
          .map(p -> folder.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
