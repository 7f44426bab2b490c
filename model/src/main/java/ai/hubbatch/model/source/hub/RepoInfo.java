package ai.hubbatch.model.source.hub;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the Hub says about a repository at a revision: the commit the revision points to, the task
 * the Hub shows for it, and its files.
 *
 * @param commit the 40-hex commit id
 * @param pipelineTag the Hub's {@code pipeline_tag}, or null
 * @param files every file at that commit
 */
public record RepoInfo(String commit, String pipelineTag, List<RepoFile> files) {

  public RepoInfo {
    files = List.copyOf(files);
  }

  public Optional<String> pipelineTagIfAny() {
    return Optional.ofNullable(pipelineTag);
  }

  /** The files' paths, in the listing's order. */
  public List<String> paths() {
    return files.stream().map(RepoFile::path).collect(Collectors.toList());
  }

  /** Whether every file has the size and blob id that a tree cache entry needs. */
  boolean complete() {
    return files.stream().allMatch(f -> f.size() >= 0 && f.blobId() != null);
  }
}
