package ai.hubbatch.model.source.hub;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A repository's files at one commit, on the local disk in the Hub cache.
 *
 * @param repo the repository id, {@code org/name}
 * @param commit the commit the revision resolved to
 * @param folder the snapshot folder, {@code .../snapshots/<commit>}
 * @param pipelineTag the Hub's {@code pipeline_tag}, or null when unknown (as when only the cache
 *     was read)
 */
public record HubSnapshot(String repo, String commit, Path folder, String pipelineTag) {

  public Optional<String> pipelineTagIfAny() {
    return Optional.ofNullable(pipelineTag);
  }
}
