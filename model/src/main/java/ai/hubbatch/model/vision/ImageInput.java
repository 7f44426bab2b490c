package ai.hubbatch.model.vision;

import ai.hubbatch.model.image.ProcessedImage;

/**
 * One image ready for a {@link VisionStage}: its processed pixels and, for a dual encoder run as
 * one graph, the texts it is scored against.
 *
 * @param image the processed image
 * @param prompts the texts, or null for a model that takes only pixels
 */
public record ImageInput(ProcessedImage image, Prompts prompts) {

  /** An image for a model that takes only pixels. */
  public static ImageInput of(ProcessedImage image) {
    return new ImageInput(image, null);
  }

  /** Processed pixels: the stage's cost. */
  public long pixels() {
    return (long) image.height() * image.width();
  }
}
