package ai.hubbatch.model.source;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Copies a file named by a URI ({@code s3://bucket/model.tar.gz}, {@code file:///...}) to the local
 * disk. The model module reads no remote storage itself: {@code hubbatch run} provides an
 * implementation over Apache Beam's file systems, found through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/ai.hubbatch.model.source.RemoteFiles} entry), so every scheme Beam has
 * registered works.
 */
public interface RemoteFiles {

  /**
   * Copies the file at {@code uri} to {@code target}.
   *
   * @param target a file that does not exist yet, in an existing folder
   * @throws IllegalArgumentException if no file system handles the URI's scheme, saying which do
   * @throws java.io.FileNotFoundException if there is no such file
   * @throws IOException if it cannot be read
   */
  void copy(String uri, Path target) throws IOException;
}
