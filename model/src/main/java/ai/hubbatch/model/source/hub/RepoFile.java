package ai.hubbatch.model.source.hub;

/**
 * One file of a Hub repository at a commit, as the model info lists it.
 *
 * @param path the path in the repository, {@code /}-separated
 * @param size bytes, or -1 when the listing has no sizes
 * @param blobId the git blob id, or null when the listing has none
 * @param lfsSha256 the content's sha256 for files stored with Git LFS, else null
 */
public record RepoFile(String path, long size, String blobId, String lfsSha256) {

  /** The name the Hub cache stores the content under: the LFS sha256, else the git blob id. */
  public String etag() {
    return lfsSha256 != null ? lfsSha256 : blobId;
  }
}
