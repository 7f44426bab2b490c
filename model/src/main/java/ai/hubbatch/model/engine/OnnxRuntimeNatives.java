package ai.hubbatch.model.engine;

import ai.hubbatch.model.source.CacheFolders;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's native libraries, extracted once into hubbatch's cache instead of into a new
 * temporary folder by every JVM.
 *
 * <p>ONNX Runtime's Java binding copies its two libraries out of its jar into a fresh {@code
 * /tmp/onnxruntime-java*} folder each time a JVM loads it, and only marks them for deletion at
 * exit: every normal run left the empty folder behind, every killed one the full 20 MB. Told where
 * extracted libraries are ({@code onnxruntime.native.path}), it loads them from there, but still
 * creates the temporary folder; it is empty, and {@link #install} deletes it as soon as ONNX
 * Runtime has loaded, so a run killed later leaves nothing in {@code /tmp} either.
 *
 * <p>The libraries go to {@code $HUBBATCH_CACHE/native/onnxruntime-<platform>-<digest>/}, named by
 * the libraries' checksums in the jar, so each ONNX Runtime build is extracted once, into a
 * temporary sibling renamed into place when complete: concurrent JVMs never load a half-written
 * library. When the cache cannot be written or its libraries cannot be loaded from there, or {@code
 * onnxruntime.native.path} is set already, ONNX Runtime does as it always did.
 */
final class OnnxRuntimeNatives {

  /** ONNX Runtime's property naming a folder of extracted libraries. */
  static final String PATH_PROPERTY = "onnxruntime.native.path";

  private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeNatives.class);
  private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni");

  private OnnxRuntimeNatives() {}

  /**
   * Points ONNX Runtime at the cached libraries, extracting them first if needed, loads it, and
   * deletes the temporary folder it made anyway. Quiet on failure: ONNX Runtime then extracts its
   * libraries itself, as before.
   */
  static void install() {
    if (System.getProperty(PATH_PROPERTY) != null || !sameClassLoader()) {
      return;
    }
    String platform = platform();
    try {
      Path folder = extract(CacheFolders.hubbatch().resolve("native"), platform);
      if (folder == null) {
        return;
      }
      // Loaded here first, so a cache where libraries cannot be executed (noexec) is found out
      // while ONNX Runtime can still fall back to its own extraction; its own load of the same
      // file is then a no-op.
      System.load(folder.resolve(System.mapLibraryName(LIBRARIES.get(0))).toString());
      System.setProperty(PATH_PROPERTY, folder.toString());
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      LOG.debug("ONNX Runtime's libraries stay with ONNX Runtime: {}", e.toString());
      return;
    }
    removeTemporaryFolder();
  }

  /**
   * Whether ONNX Runtime's classes load with this class: a library is loaded once per class loader,
   * so the check load below is ONNX Runtime's own load only then.
   */
  private static boolean sameClassLoader() {
    ClassLoader mine = OnnxRuntimeNatives.class.getClassLoader();
    try {
      return Class.forName("ai.onnxruntime.OrtEnvironment", false, mine).getClassLoader() == mine;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * The folder of the cached libraries, extracted now if this build's are not there yet; null when
   * the jar has no libraries for this platform.
   */
  static Path extract(Path cache, String platform) throws IOException {
    StringBuilder digest = new StringBuilder();
    for (String library : LIBRARIES) {
      URL resource = OnnxRuntimeNatives.class.getResource(resource(platform, library));
      if (resource == null) {
        return null;
      }
      digest.append(fingerprint(resource));
    }
    Path target =
        cache.resolve(
            "onnxruntime-"
                + platform
                + "-"
                + Integer.toHexString(digest.toString().hashCode() & 0x7fffffff));
    if (Files.isDirectory(target)) {
      return target;
    }
    Files.createDirectories(cache);
    Path staging = cache.resolve(target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectory(staging);
      for (String library : LIBRARIES) {
        try (InputStream in =
            OnnxRuntimeNatives.class.getResourceAsStream(resource(platform, library))) {
          Files.copy(in, staging.resolve(System.mapLibraryName(library)));
        }
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException
          | DirectoryNotEmptyException
          | AtomicMoveNotSupportedException e) {
        // Another JVM extracted the same build first.
        if (!Files.isDirectory(target)) {
          throw e;
        }
      }
      return target;
    } finally {
      deleteTree(staging);
    }
  }

  /** Where ONNX Runtime's jar keeps a library ({@code /ai/onnxruntime/native/linux-x64/...}). */
  private static String resource(String platform, String library) {
    return "/ai/onnxruntime/native/" + platform + "/" + System.mapLibraryName(library);
  }

  /** What tells one build of a library from another, cheaply: its jar entry's CRC and size. */
  private static String fingerprint(URL resource) throws IOException {
    URLConnection connection = resource.openConnection();
    if (connection instanceof JarURLConnection jar) {
      var entry = jar.getJarEntry();
      return entry.getCrc() + ":" + entry.getSize() + ";";
    }
    try {
      Path file = Paths.get(resource.toURI());
      return Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis() + ";";
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  /** ONNX Runtime's name for this platform, as its loader computes it. */
  static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String system =
        os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
    String machine =
        arch.startsWith("amd64") || arch.startsWith("x86_64")
            ? "x64"
            : arch.startsWith("aarch64") ? "aarch64" : arch;
    return system + "-" + machine;
  }

  /**
   * Loads ONNX Runtime now and deletes the empty folder its loader created in {@code
   * java.io.tmpdir}, which it would otherwise leave to an exit hook that a killed JVM never runs.
   * The folder's path is a private field of the loader; without it, the exit hook still deletes the
   * folder at a normal exit.
   */
  private static void removeTemporaryFolder() {
    try {
      Class.forName(
          "ai.onnxruntime.OrtEnvironment", true, OnnxRuntimeNatives.class.getClassLoader());
      Class<?> loader = Class.forName("ai.onnxruntime.OnnxRuntime");
      Field field = loader.getDeclaredField("tempDirectory");
      field.setAccessible(true);
      if (field.get(null) instanceof Path folder) {
        Files.deleteIfExists(folder);
      }
    } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
      LOG.debug("ONNX Runtime's temporary folder is left to its exit hook: {}", e.toString());
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
