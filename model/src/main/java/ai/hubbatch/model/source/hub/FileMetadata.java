package ai.hubbatch.model.source.hub;

import java.net.URI;

/**
 * What a {@code HEAD} on a file's {@code resolve} URL tells, as huggingface_hub reads it.
 *
 * @param path the file's path in the repository
 * @param commit {@code X-Repo-Commit}
 * @param etag {@code X-Linked-Etag}, else {@code ETag}, without quotes: the sha256 of an LFS file,
 *     the git blob id of any other
 * @param size {@code X-Linked-Size}, else {@code Content-Length}
 * @param location where the content is fetched from: the CDN a Git LFS file redirects to, or the
 *     resolve URL itself
 */
public record FileMetadata(String path, String commit, String etag, long size, URI location) {

  /** Whether the etag is a sha256, which the Hub gives for Git LFS files only. */
  public boolean isLfs() {
    return etag.matches("[0-9a-f]{64}");
  }
}
