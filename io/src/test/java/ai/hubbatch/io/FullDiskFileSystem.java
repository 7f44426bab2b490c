package ai.hubbatch.io;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.io.fs.CreateOptions;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A Beam file system ({@code fulldisk:///path/}) over local files whose disk fills up on cue, in
 * this JVM: once a write takes a chosen file past a chosen number of bytes, that write and every
 * later one fails with "No space left on device" until {@link #reset()}, as on a real full disk:
 * renames and deletes still work, writes of any byte do not. It can also refuse all writes, as a
 * folder the user may not write.
 *
 * <p>Tests reach it only through Beam's {@code FileSystems}, as the code under test does, so the
 * sink's commit protocol meets a full disk at whatever step the test chooses.
 */
public final class FullDiskFileSystem extends FileSystem<FullDiskFileSystem.Location> {

  public static final String SCHEME = "fulldisk";

  private static volatile Predicate<String> trigger = path -> false;
  private static volatile long triggerBytes;
  private static volatile boolean full;
  private static volatile boolean denied;

  /** The folder's URI on this file system. */
  public static String uri(Path folder) {
    return SCHEME + "://" + folder.toAbsolutePath() + "/";
  }

  /**
   * The disk fills up when a write takes a file whose path passes {@code file} past {@code bytes}
   * bytes (0: its first byte).
   */
  public static void fillWhen(Predicate<String> file, long bytes) {
    trigger = Objects.requireNonNull(file);
    triggerBytes = bytes;
    full = false;
  }

  /** Every write is refused as a folder without write permission refuses it. */
  public static void denyWrites() {
    denied = true;
  }

  /** Whether the disk filled up since the last {@link #fillWhen}. */
  public static boolean filledUp() {
    return full;
  }

  /** Space again, and writes allowed. */
  public static void reset() {
    trigger = path -> false;
    full = false;
    denied = false;
  }

  /** Registers the file system with Beam (test resources, {@code META-INF/services}). */
  public static final class Registrar implements FileSystemRegistrar {
    @Override
    public Iterable<FileSystem<?>> fromOptions(PipelineOptions options) {
      return List.of(new FullDiskFileSystem());
    }
  }

  /** A path on this file system. */
  static final class Location implements ResourceId {
    private final String path;
    private final boolean directory;

    Location(String path, boolean directory) {
      this.path = directory && !path.endsWith("/") ? path + "/" : path;
      this.directory = directory;
    }

    Path local() {
      return Paths.get(path);
    }

    @Override
    public ResourceId resolve(String other, ResolveOptions options) {
      boolean dir = options == ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY;
      return new Location(directory ? path + other : path + "/" + other, dir);
    }

    @Override
    public ResourceId getCurrentDirectory() {
      if (directory) {
        return this;
      }
      Path parent = local().getParent();
      return new Location(parent == null ? "/" : parent.toString(), true);
    }

    @Override
    public String getScheme() {
      return SCHEME;
    }

    @Override
    public String getFilename() {
      Path name = local().getFileName();
      return name == null ? null : name.toString();
    }

    @Override
    public boolean isDirectory() {
      return directory;
    }

    @Override
    public String toString() {
      return SCHEME + "://" + path;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Location that
          && path.equals(that.path)
          && directory == that.directory;
    }

    @Override
    public int hashCode() {
      return path.hashCode();
    }
  }

  @Override
  protected String getScheme() {
    return SCHEME;
  }

  @Override
  protected Location matchNewResource(String spec, boolean isDirectory) {
    return new Location(strip(spec), isDirectory);
  }

  private static String strip(String spec) {
    return spec.startsWith(SCHEME + "://") ? spec.substring(SCHEME.length() + 3) : spec;
  }

  @Override
  protected List<MatchResult> match(List<String> specs) throws IOException {
    List<MatchResult> results = new ArrayList<>();
    for (String spec : specs) {
      String path = strip(spec);
      List<MatchResult.Metadata> found = new ArrayList<>();
      if (path.matches(".*[*?\\[{].*")) {
        int wildcard = path.replaceAll("[*?\\[{].*", "").lastIndexOf('/');
        Path root = Paths.get(path.substring(0, wildcard + 1));
        PathMatcher matcher = root.getFileSystem().getPathMatcher("glob:" + path);
        if (Files.isDirectory(root)) {
          try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
              if (Files.isRegularFile(file) && matcher.matches(file)) {
                found.add(metadata(file));
              }
            }
          }
        }
        results.add(MatchResult.create(MatchResult.Status.OK, found));
      } else if (Files.exists(Paths.get(path))) {
        results.add(MatchResult.create(MatchResult.Status.OK, List.of(metadata(Paths.get(path)))));
      } else {
        results.add(
            MatchResult.create(MatchResult.Status.NOT_FOUND, new FileNotFoundException(path)));
      }
    }
    return results;
  }

  private static MatchResult.Metadata metadata(Path file) throws IOException {
    boolean directory = Files.isDirectory(file);
    return MatchResult.Metadata.builder()
        .setResourceId(new Location(file.toString(), directory))
        .setSizeBytes(directory ? 0 : Files.size(file))
        .setIsReadSeekEfficient(true)
        .setLastModifiedMillis(Files.getLastModifiedTime(file).toMillis())
        .build();
  }

  @Override
  protected WritableByteChannel create(Location resource, CreateOptions options)
      throws IOException {
    if (denied) {
      throw new AccessDeniedException(resource.path, null, "Permission denied");
    }
    Files.createDirectories(resource.local().getParent());
    FileChannel file =
        FileChannel.open(
            resource.local(),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    return new FillingChannel(resource.path, file);
  }

  /** Counts a file's bytes; fails every write once the disk is full. */
  private static final class FillingChannel implements WritableByteChannel {
    private final String path;
    private final FileChannel file;
    private long written;

    FillingChannel(String path, FileChannel file) {
      this.path = path;
      this.file = file;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int bytes = source.remaining();
      if (bytes > 0 && !full && trigger.test(path) && written + bytes > triggerBytes) {
        full = true;
      }
      if (bytes > 0 && full) {
        throw new IOException("No space left on device (" + path + ")");
      }
      written += bytes;
      return file.write(source);
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  @Override
  protected ReadableByteChannel open(Location resource) throws IOException {
    try {
      return FileChannel.open(resource.local(), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(resource.path);
    }
  }

  @Override
  protected void copy(List<Location> sources, List<Location> destinations) throws IOException {
    for (int i = 0; i < sources.size(); i++) {
      if (full || denied) {
        throw new IOException("No space left on device (" + destinations.get(i).path + ")");
      }
      Files.createDirectories(destinations.get(i).local().getParent());
      Files.copy(
          sources.get(i).local(), destinations.get(i).local(), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  protected void rename(List<Location> sources, List<Location> destinations, MoveOptions... options)
      throws IOException {
    boolean ignoreMissing =
        List.of(options).contains(MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    for (int i = 0; i < sources.size(); i++) {
      Path source = sources.get(i).local();
      if (!Files.exists(source) && ignoreMissing) {
        continue;
      }
      Files.createDirectories(destinations.get(i).local().getParent());
      Files.move(
          source,
          destinations.get(i).local(),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  protected void delete(Collection<Location> resources) throws IOException {
    for (Location resource : resources) {
      File file = resource.local().toFile();
      if (!file.isDirectory()) {
        Files.deleteIfExists(file.toPath());
      }
    }
  }
}
