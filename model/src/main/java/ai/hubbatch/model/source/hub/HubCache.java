package ai.hubbatch.model.source.hub;

import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One model repository's folder in the Hub cache, in huggingface_hub's layout, so Python tools and
 * hubbatch reuse each other's downloads:
 *
 * <pre>
 * models--org--name/
 *   refs/main                       the commit main pointed to when last resolved
 *   blobs/&lt;etag&gt;                    file contents, named by sha256 (LFS) or git blob id
 *   snapshots/&lt;commit&gt;/&lt;path&gt;        relative symlinks to ../../blobs/&lt;etag&gt;
 *   trees/&lt;commit&gt;.json             the commit's file listing (huggingface_hub's tree cache)
 * .locks/models--org--name/&lt;etag&gt;.lock
 * </pre>
 *
 * <p>Writers never leave a partial file under a final name: refs and listings are written to a
 * temporary sibling and renamed, blobs are verified before their rename.
 */
final class HubCache {

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  /** A temporary download untouched this long belongs to a run that died. */
  private static final Duration STALE = Duration.ofHours(1);

  private final Path root;
  private final String folderName;

  HubCache(Path root, String repo) {
    this.root = root;
    this.folderName = "models--" + repo.replace("/", "--");
  }

  static boolean isCommit(String revision) {
    return COMMIT.matcher(revision).matches();
  }

  Path storage() {
    return root.resolve(folderName);
  }

  /** The commit a branch or tag pointed to when last resolved here, if known. */
  Optional<String> ref(String revision) throws IOException {
    try {
      String commit = Files.readString(storage().resolve("refs").resolve(revision)).trim();
      return isCommit(commit) ? Optional.of(commit) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Records where a branch or tag points; nothing for a commit, which needs no ref. */
  void writeRef(String revision, String commit) throws IOException {
    if (revision.equals(commit) || ref(revision).filter(commit::equals).isPresent()) {
      return;
    }
    writeAtomically(storage().resolve("refs").resolve(revision), commit);
  }

  Path snapshot(String commit) {
    return storage().resolve("snapshots").resolve(commit);
  }

  /** Where a file of a commit appears, checked to stay inside the snapshot. */
  Path pointer(String commit, String path) {
    Path snapshot = snapshot(commit);
    Path pointer = snapshot.resolve(path).normalize();
    if (!pointer.startsWith(snapshot) || pointer.equals(snapshot)) {
      throw new IllegalArgumentException(
          "The Hub listed a file path that leaves the snapshot: " + path);
    }
    return pointer;
  }

  Path blob(String etag) {
    if (!etag.matches("[A-Za-z0-9_.\\-]+") || etag.startsWith(".")) {
      throw new IllegalArgumentException("The Hub gave an ETag that cannot name a file: " + etag);
    }
    return storage().resolve("blobs").resolve(etag);
  }

  Path lock(String etag) {
    return root.resolve(".locks").resolve(folderName).resolve(etag + ".lock");
  }

  /** A fresh temporary file name for downloading a blob, as huggingface_hub names them. */
  Path incomplete(String etag) {
    return blob(etag)
        .resolveSibling(etag + "." + UUID.randomUUID().toString().substring(0, 8) + ".incomplete");
  }

  /** Points a snapshot file at its blob with a relative symlink, replacing what was there. */
  void link(Path pointer, Path blob) throws IOException {
    Files.createDirectories(pointer.getParent());
    Path target = pointer.getParent().relativize(blob);
    Path temporary =
        pointer.resolveSibling(
            pointer.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
    Files.createSymbolicLink(temporary, target);
    Files.move(temporary, pointer, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Deletes temporary downloads of a blob that nobody has written to for an hour: what a killed run
   * leaves behind. Fresh ones may be another process's download in progress.
   */
  void deleteStaleDownloads(String etag) throws IOException {
    Path blobs = blob(etag).getParent();
    if (!Files.isDirectory(blobs)) {
      return;
    }
    FileTime before = FileTime.from(Instant.now().minus(STALE));
    try (DirectoryStream<Path> partial = Files.newDirectoryStream(blobs, etag + "*.incomplete")) {
      for (Path file : partial) {
        if (Files.getLastModifiedTime(file).compareTo(before) < 0) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** The cached listing of a commit, if a download (by hubbatch or Python) wrote one. */
  Optional<List<RepoFile>> tree(String commit) {
    Path file = treeFile(commit);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode json = Json.MAPPER.readTree(file.toFile());
      if (json.path("format_version").asInt() != 1 || !json.path("files").isObject()) {
        return Optional.empty();
      }
      List<RepoFile> files = new ArrayList<>();
      for (Map.Entry<String, JsonNode> entry : json.get("files").properties()) {
        JsonNode info = entry.getValue();
        files.add(
            new RepoFile(
                entry.getKey(),
                info.path("size").asLong(-1),
                info.path("blob_id").asText(null),
                info.hasNonNull("lfs_sha256") ? info.get("lfs_sha256").asText() : null));
      }
      return Optional.of(files);
    } catch (IOException e) {
      // Like huggingface_hub: an unreadable listing is ignored and fetched again.
      return Optional.empty();
    }
  }

  /** Writes a commit's listing in huggingface_hub's tree cache format (version 1). */
  void writeTree(String commit, List<RepoFile> files) throws IOException {
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("format_version", 1);
    ObjectNode entries = json.putObject("files");
    files.stream()
        .sorted(Comparator.comparing(RepoFile::path))
        .forEach(
            f -> {
              ObjectNode entry = entries.putObject(f.path());
              entry.put("size", f.size());
              entry.put("blob_id", f.blobId());
              if (f.lfsSha256() != null) {
                entry.put("lfs_sha256", f.lfsSha256());
                entry.put("lfs_size", f.size());
              }
            });
    writeAtomically(
        treeFile(commit), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
  }

  private Path treeFile(String commit) {
    return storage().resolve("trees").resolve(commit + ".json");
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Path temporary =
        file.resolveSibling(
            file.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
  }
}
