package ai.hubbatch.model.source;

import java.nio.file.Paths;

/** Turns what a user names as the model into a local Hub-layout folder. */
public final class ModelLocator {

  private ModelLocator() {}

  /**
   * Locates a model.
   *
   * @param model empty or null for {@link DefaultModel}, else a local folder path
   * @throws IllegalArgumentException if the folder does not exist
   */
  public static ModelFolder locate(String model) {
    if (model == null || model.isBlank() || model.equals(DefaultModel.ID)) {
      return DefaultModel.folder();
    }
    return ModelFolder.open(Paths.get(model));
  }
}
