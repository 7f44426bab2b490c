package ai.hubbatch.model.source;

import java.nio.file.Path;
import java.nio.file.Paths;

/** Where hubbatch keeps what it writes once and reuses: {@code $HUBBATCH_CACHE}, else XDG. */
public final class CacheFolders {

  private CacheFolders() {}

  /**
   * {@code $HUBBATCH_CACHE}, else {@code $XDG_CACHE_HOME/hubbatch}, else
   * {@code ~/.cache/hubbatch}.
   */
  public static Path hubbatch() {
    String explicit = setting("HUBBATCH_CACHE");
    if (explicit != null) {
      return Paths.get(explicit);
    }
    String xdg = setting("XDG_CACHE_HOME");
    Path base = xdg != null ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
    return base.resolve("hubbatch");
  }

  private static String setting(String name) {
    String value = System.getProperty(name, System.getenv(name));
    return value == null || value.isBlank() ? null : value;
  }
}
