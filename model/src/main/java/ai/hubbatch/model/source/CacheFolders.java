package ai.hubbatch.model.source;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Where models are kept once fetched: hubbatch's own cache ({@code $HUBBATCH_CACHE}, else XDG) and
 * the Hugging Face Hub cache that huggingface_hub shares with every Python tool.
 */
public final class CacheFolders {

  private CacheFolders() {}

  /**
   * {@code $HUBBATCH_CACHE}, else {@code $XDG_CACHE_HOME/hubbatch}, else {@code ~/.cache/hubbatch}.
   */
  public static Path hubbatch() {
    return Settings.get("HUBBATCH_CACHE")
        .map(CacheFolders::expand)
        .orElseGet(() -> xdgCache().resolve("hubbatch"));
  }

  /**
   * The Hub cache as huggingface_hub finds it: {@code $HF_HUB_CACHE}, else the legacy {@code
   * $HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code
   * $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
   */
  public static Path huggingFaceHub() {
    Optional<String> explicit =
        Settings.get("HF_HUB_CACHE").or(() -> Settings.get("HUGGINGFACE_HUB_CACHE"));
    if (explicit.isPresent()) {
      return expand(explicit.get());
    }
    Path home =
        Settings.get("HF_HOME")
            .map(CacheFolders::expand)
            .orElseGet(() -> xdgCache().resolve("huggingface"));
    return home.resolve("hub");
  }

  private static Path xdgCache() {
    return Settings.get("XDG_CACHE_HOME")
        .map(CacheFolders::expand)
        .orElseGet(() -> Paths.get(System.getProperty("user.home"), ".cache"));
  }

  /** A leading {@code ~} is the home folder, as in Python's {@code expanduser}. */
  private static Path expand(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Paths.get(System.getProperty("user.home") + path.substring(1));
    }
    return Paths.get(path);
  }
}
