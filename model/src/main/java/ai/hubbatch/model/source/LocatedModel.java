package ai.hubbatch.model.source;

import java.util.Optional;

/**
 * A model found on the local disk, with what pins it, so that every worker of a job locates the
 * very same files: {@code ModelLocator.locate(reference, revision, engine)} gives them back.
 *
 * @param folder the model's Hub-layout folder
 * @param reference the model as a worker names it: a Hub id, an absolute path, an archive URI, or
 *     empty for the bundled default model
 * @param revision the Hub commit, or {@code sha256:<hex>} of an archive; null for a folder
 * @param pipelineTag the Hub's {@code pipeline_tag}, when the Hub gave one
 */
public record LocatedModel(
    ModelFolder folder, String reference, String revision, String pipelineTag) {

  public Optional<String> pipelineTagIfAny() {
    return Optional.ofNullable(pipelineTag);
  }

  /** One line for logs: the name, and the commit or archive digest it is pinned to. */
  public String describe() {
    String name = reference.isEmpty() ? DefaultModel.ID + " (bundled)" : reference;
    if (revision == null) {
      return name;
    }
    return name
        + (revision.startsWith("sha256:")
            ? " (" + revision.substring(0, 19) + "...)"
            : "@" + revision);
  }
}
