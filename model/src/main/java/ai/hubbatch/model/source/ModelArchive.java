package ai.hubbatch.model.source;

import ai.hubbatch.model.config.ConfigurationException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A {@code model.tar.gz}, as SageMaker packs models, extracted safely into a cache folder named by
 * the archive's sha256, so the same archive is extracted once and a job's workers can check they
 * run the same bytes.
 *
 * <pre>{@code
 * Path folder = ModelArchive.inCache(CacheFolders.hubbatch().resolve("archives"))
 *     .extract(Path.of("model.tar.gz"));
 * }</pre>
 *
 * <p>Only folders and regular files are extracted. The archive is rejected whole, and nothing is
 * left behind, when an entry would land outside the target (an absolute path, a {@code ..}
 * segment), when it holds a link, a device or a sparse file, or when it exceeds the size or
 * entry-count limits or the free disk space. Extraction goes to a temporary sibling that is renamed
 * into place when complete.
 */
public final class ModelArchive {

  /** The most bytes an archive may extract to by default: 256 GiB. */
  public static final long DEFAULT_MAX_BYTES = 256L << 30;

  /** The most entries an archive may hold by default. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;

  private final Path root;
  private final long maxBytes;
  private final int maxEntries;

  private ModelArchive(Path root, long maxBytes, int maxEntries) {
    this.root = root.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /** Archives extracted under {@code root}, with the default limits. */
  public static ModelArchive inCache(Path root) {
    return new ModelArchive(root, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);
  }

  /** A copy with other limits on the extracted bytes and the number of entries. */
  public ModelArchive withLimits(long bytes, int entries) {
    return new ModelArchive(root, bytes, entries);
  }

  /** Whether a model name or URI looks like a gzip-compressed tar archive. */
  public static boolean isArchiveName(String name) {
    return name.endsWith(".tar.gz") || name.endsWith(".tgz");
  }

  /** The hex sha256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The model folder of an archive with this sha256, if it was extracted before. */
  public Optional<Path> extracted(String sha256) {
    Path target = root.resolve(sha256);
    return Files.isDirectory(target) ? Optional.of(modelFolder(target)) : Optional.empty();
  }

  /**
   * Extracts an archive, or finds its earlier extraction. The model folder is the archive's root,
   * or its only folder when it holds nothing else ({@code tar czf model.tar.gz model/}).
   *
   * @throws IllegalArgumentException if the archive is unsafe, too large or not a tar.gz
   */
  public Path extract(Path archive) throws IOException {
    return extract(archive, sha256(archive));
  }

  /** {@link #extract(Path)} when the archive's sha256 is already known. */
  public Path extract(Path archive, String sha256) throws IOException {
    Optional<Path> done = extracted(sha256);
    if (done.isPresent()) {
      return done.get();
    }
    Path target = root.resolve(sha256);
    Files.createDirectories(root);
    Path staging = root.resolve(sha256 + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectory(staging);
      unpack(archive, staging);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException
          | DirectoryNotEmptyException
          | AtomicMoveNotSupportedException e) {
        // Another run extracted the same bytes first.
        if (!Files.isDirectory(target)) {
          throw e;
        }
      }
      return modelFolder(target);
    } finally {
      FileTrees.deleteRecursively(staging);
    }
  }

  private void unpack(Path archive, Path staging) throws IOException {
    long free = Files.getFileStore(staging).getUsableSpace();
    long bytes = 0;
    int entries = 0;
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(archive)), true))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName();
        if (++entries > maxEntries) {
          throw rejected(archive, "it holds more than " + maxEntries + " entries");
        }
        if (entry.isSymbolicLink() || entry.isLink()) {
          throw rejected(
              archive,
              "it holds a link ("
                  + name
                  + " -> "
                  + entry.getLinkName()
                  + "); hubbatch extracts only folders and regular files, so rebuild it with "
                  + "tar --dereference (-h)");
        }
        if (!entry.isDirectory() && !regularFile(entry)) {
          throw rejected(archive, "its entry " + name + " is neither a folder nor a regular file");
        }
        Path path = inside(archive, staging, name);
        if (entry.isDirectory()) {
          Files.createDirectories(path);
          continue;
        }
        bytes += entry.getSize();
        if (bytes > maxBytes) {
          throw rejected(archive, "it extracts to more than " + maxBytes + " bytes");
        }
        if (bytes > free) {
          throw rejected(
              archive, "it extracts to more than the " + free + " bytes free under " + root);
        }
        Files.createDirectories(path.getParent());
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW)) {
          tar.transferTo(out);
        } catch (FileAlreadyExistsException e) {
          throw rejected(archive, "it holds " + name + " twice");
        }
      }
    } catch (IOException e) {
      if (entries == 0) {
        throw rejected(archive, "it is not a gzip-compressed tar archive (" + e.getMessage() + ")");
      }
      throw e;
    }
    if (entries == 0) {
      throw rejected(archive, "it is empty");
    }
  }

  /**
   * Whether an entry is a regular file by its type flag. Commons Compress's {@code isFile()} is
   * true for every entry that is not a folder, devices and FIFOs included, so it cannot tell.
   */
  private static boolean regularFile(TarArchiveEntry entry) {
    byte type = entry.getLinkFlag();
    return (type == TarConstants.LF_NORMAL
            || type == TarConstants.LF_OLDNORM
            || type == TarConstants.LF_CONTIG)
        && !entry.isSparse();
  }

  /** Where an entry lands, refusing any name that could leave the staging folder. */
  private static Path inside(Path archive, Path staging, String name) {
    String relative = name;
    while (relative.startsWith("./")) {
      relative = relative.substring(2);
    }
    boolean escapes =
        name.startsWith("/")
            || name.contains("\\")
            || name.indexOf('\0') >= 0
            || name.matches("^[A-Za-z]:.*")
            || List.of(relative.split("/")).contains("..");
    Path path = staging.resolve(relative).normalize();
    if (escapes || !path.startsWith(staging)) {
      throw rejected(archive, "its entry " + name + " would land outside the model folder");
    }
    return path;
  }

  private static IllegalArgumentException rejected(Path archive, String why) {
    return new ConfigurationException(
        "The model archive " + archive + " is rejected: " + why + ". Nothing was extracted.");
  }

  /** The archive's root, or its only entry when that is a folder. */
  private static Path modelFolder(Path extracted) {
    try (Stream<Path> children = Files.list(extracted)) {
      List<Path> all = children.toList();
      return all.size() == 1 && Files.isDirectory(all.get(0)) ? all.get(0) : extracted;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
