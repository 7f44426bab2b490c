package ai.hubbatch.model.source.hub;

import ai.hubbatch.model.config.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a snapshot of a Hub model repository the way huggingface_hub's {@code
 * snapshot_download} does, into the same cache, so either reuses the other's files.
 *
 * <pre>{@code
 * HubSnapshot snapshot = new HubClient(HubSettings.fromEnvironment())
 *     .snapshot("sentence-transformers/all-MiniLM-L6-v2", "main", files -> files);
 * }</pre>
 *
 * <p>The revision is resolved to a commit first and every file is fetched at that commit, so a run
 * is pinned even if the branch moves during it. Only the files the selector picks are downloaded. A
 * file already in the cache is not downloaded again; a pinned commit whose selected files are all
 * cached needs no network at all. When the Hub cannot be reached, or {@code HF_HUB_OFFLINE} is set,
 * the cache alone answers, or the error names what is missing.
 *
 * <p>Each download goes to its own temporary file, is checked against its size and, for Git LFS
 * files, its sha256, and is only then renamed into place; a lock per blob keeps concurrent hubbatch
 * runs from downloading the same file twice.
 */
public final class HubClient {

  private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
  private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)?");
  private static final int ATTEMPTS = 3;

  private final HubSettings settings;
  private final HubApi api;

  public HubClient(HubSettings settings) {
    this.settings = settings;
    this.api = new HubApi(settings);
  }

  public HubSettings settings() {
    return settings;
  }

  /** Whether a name is shaped like a Hub repository id ({@code name} or {@code org/name}). */
  public static boolean isRepoId(String name) {
    return REPO_ID.matcher(name).matches()
        && !name.contains("--")
        && !name.contains("..")
        && name.length() <= 96;
  }

  /**
   * The repository's files at a revision, downloaded as needed.
   *
   * @param repo {@code org/name}
   * @param revision a branch, tag or commit
   * @param select from every path of the repository, the ones to have on disk
   * @throws IllegalArgumentException when the Hub refuses (unknown model or revision, bad token),
   *     when offline and the cache lacks files, or when the selector rejects the repository
   * @throws IOException when the Hub cannot be reached and the cache cannot stand in, or a download
   *     fails
   */
  public HubSnapshot snapshot(String repo, String revision, UnaryOperator<List<String>> select)
      throws IOException {
    if (!isRepoId(repo)) {
      throw new ConfigurationException("'" + repo + "' is not a Hub model id (org/name)");
    }
    checkRevision(revision);
    HubCache cache = new HubCache(settings.cache(), repo);
    if (settings.offline()) {
      return fromCache(cache, repo, revision, select, null);
    }
    if (HubCache.isCommit(revision)) {
      Optional<HubSnapshot> cached = completeInCache(cache, repo, revision, select);
      if (cached.isPresent()) {
        return cached.get();
      }
    }
    RepoInfo info;
    try {
      info = api.info(repo, revision);
    } catch (HubUnavailableException e) {
      HubSnapshot cached = fromCache(cache, repo, revision, select, e);
      LOG.warn("{}; using the cached snapshot {} of {}", e.getMessage(), cached.commit(), repo);
      return cached;
    }
    cache.writeRef(revision, info.commit());
    if (info.complete()) {
      cache.writeTree(info.commit(), info.files());
    }
    Map<String, RepoFile> listed =
        info.files().stream().collect(Collectors.toMap(RepoFile::path, Function.identity()));
    List<String> wanted = select.apply(info.paths());
    long downloaded = 0;
    for (String path : wanted) {
      downloaded += fetch(cache, repo, info.commit(), listed.get(path));
    }
    LOG.info(
        "{} at {}: {} files, {} downloaded",
        repo,
        info.commit(),
        wanted.size(),
        megabytes(downloaded));
    return new HubSnapshot(repo, info.commit(), cache.snapshot(info.commit()), info.pipelineTag());
  }

  /** A pinned commit whose listing is cached and whose selected files are all there. */
  private Optional<HubSnapshot> completeInCache(
      HubCache cache, String repo, String commit, UnaryOperator<List<String>> select) {
    Optional<List<RepoFile>> tree = cache.tree(commit);
    if (tree.isEmpty()) {
      return Optional.empty();
    }
    List<String> missing = missing(cache, commit, tree.get(), select);
    return missing.isEmpty()
        ? Optional.of(new HubSnapshot(repo, commit, cache.snapshot(commit), null))
        : Optional.empty();
  }

  /**
   * The cache alone: the revision's commit from {@code refs/} (or the commit itself), its snapshot,
   * and, when the listing was cached, a check that every selected file is there.
   *
   * @param unreachable why the Hub was not asked, or null when offline by choice
   */
  private HubSnapshot fromCache(
      HubCache cache,
      String repo,
      String revision,
      UnaryOperator<List<String>> select,
      HubUnavailableException unreachable)
      throws IOException {
    String why = unreachable == null ? "HF_HUB_OFFLINE is set" : unreachable.getMessage();
    String remedy =
        unreachable == null
            ? "Run once without HF_HUB_OFFLINE to download it, or set HF_HUB_CACHE to a cache that "
                + "has it."
            : "Run again when the Hub can be reached, or set HF_HUB_CACHE to a cache that has it.";
    Optional<String> commit =
        HubCache.isCommit(revision) ? Optional.of(revision) : cache.ref(revision);
    if (commit.isEmpty() || !Files.isDirectory(cache.snapshot(commit.get()))) {
      throw cacheMiss(
          unreachable,
          why
              + ", and the Hub cache at "
              + settings.cache()
              + " has no snapshot of "
              + repo
              + " at revision "
              + revision
              + ". "
              + remedy);
    }
    Optional<List<RepoFile>> tree = cache.tree(commit.get());
    if (tree.isPresent()) {
      List<String> missing = missing(cache, commit.get(), tree.get(), select);
      if (!missing.isEmpty()) {
        throw cacheMiss(
            unreachable,
            why
                + ", and the cached snapshot "
                + commit.get()
                + " of "
                + repo
                + " lacks "
                + missing
                + ". "
                + remedy);
      }
    } else {
      // A cache filled without a listing (older huggingface_hub): what is there is all we have.
      select.apply(filesIn(cache.snapshot(commit.get())));
    }
    return new HubSnapshot(repo, commit.get(), cache.snapshot(commit.get()), null);
  }

  private static IOException cacheMiss(HubUnavailableException unreachable, String message) {
    if (unreachable == null) {
      throw new ConfigurationException(message);
    }
    return new HubUnavailableException(message);
  }

  private static List<String> missing(
      HubCache cache, String commit, List<RepoFile> tree, UnaryOperator<List<String>> select) {
    Map<String, RepoFile> listed =
        tree.stream().collect(Collectors.toMap(RepoFile::path, Function.identity()));
    List<String> wanted = select.apply(tree.stream().map(RepoFile::path).toList());
    List<String> missing = new ArrayList<>();
    for (String path : wanted) {
      if (!isCached(cache.pointer(commit, path), listed.get(path).size())) {
        missing.add(path);
      }
    }
    return missing;
  }

  /** A snapshot file counts when it resolves to a blob of the listed size (when known). */
  private static boolean isCached(Path pointer, long size) {
    try {
      return Files.isRegularFile(pointer) && (size < 0 || Files.size(pointer) == size);
    } catch (IOException e) {
      return false;
    }
  }

  /** Puts one file of the commit in the cache; returns the bytes downloaded. */
  private long fetch(HubCache cache, String repo, String commit, RepoFile listed)
      throws IOException {
    Path pointer = cache.pointer(commit, listed.path());
    if (isCached(pointer, listed.size())) {
      return 0;
    }
    FileMetadata file = api.metadata(repo, commit, listed.path());
    Path blob = cache.blob(file.etag());
    try (FileLocks.Held lock = FileLocks.acquire(cache.lock(file.etag()))) {
      cache.deleteStaleDownloads(file.etag());
      long downloaded = 0;
      if (!(Files.isRegularFile(blob) && Files.size(blob) == file.size())) {
        LOG.info("Downloading {} {} ({})", repo, file.path(), megabytes(file.size()));
        download(cache, file, blob);
        downloaded = file.size();
      }
      cache.link(pointer, blob);
      return downloaded;
    }
  }

  /** Downloads into a temporary file, verifies it, renames it into place; retries twice. */
  private void download(HubCache cache, FileMetadata file, Path blob) throws IOException {
    Files.createDirectories(blob.getParent());
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Path temporary = cache.incomplete(file.etag());
      try {
        String sha256 = copy(file, temporary);
        long size = Files.size(temporary);
        if (size != file.size()) {
          throw new IOException("got " + size + " bytes instead of " + file.size());
        }
        if (file.isLfs() && !sha256.equals(file.etag())) {
          throw new IOException("its sha256 is " + sha256 + ", not the Hub's " + file.etag());
        }
        Files.move(temporary, blob, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (IOException e) {
        last = e;
        if (attempt < ATTEMPTS) {
          LOG.warn("Downloading {} failed ({}); trying again", file.path(), HubApi.describe(e));
          pause(attempt);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    }
    throw new IOException(
        "Downloading "
            + file.path()
            + " failed "
            + ATTEMPTS
            + " times, last: "
            + HubApi.describe(last)
            + ". Nothing of it was cached; run again.");
  }

  private String copy(FileMetadata file, Path temporary) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = api.open(file);
        OutputStream out =
            new DigestOutputStream(
                Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW), sha256)) {
      in.transferTo(out);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static void pause(int attempt) throws IOException {
    try {
      Thread.sleep(1000L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("Interrupted between download attempts");
    }
  }

  private static List<String> filesIn(Path folder) throws IOException {
    try (var files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> folder.relativize(f).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  private static void checkRevision(String revision) {
    if (revision.isBlank()
        || revision.startsWith("/")
        || revision.contains("\\")
        || List.of(revision.split("/")).stream()
            .anyMatch(s -> s.isEmpty() || s.equals("..") || s.equals("."))) {
      throw new ConfigurationException(
          "'" + revision + "' is not a revision: use a branch, " + "tag or commit");
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
