package ai.hubbatch.model.codec;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.image.ImageDecoder;
import java.io.Serializable;

/**
 * What a media input may be before it is refused, checked before memory is allocated for it: the
 * guard against a small file that declares a huge image (a decompression bomb).
 *
 * @param maxImagePixels the most pixels (width times height) an image may declare; the default is
 *     Pillow's {@code Image.MAX_IMAGE_PIXELS}, 89,478,485, so an image the Python toolkit reads is
 *     read here too
 */
public record MediaLimits(long maxImagePixels) implements Serializable {

  public MediaLimits {
    if (maxImagePixels < 1) {
      throw new ConfigurationException(
          "The image pixel limit must be at least 1, got " + maxImagePixels);
    }
  }

  /** The defaults: Pillow's pixel limit. */
  public static MediaLimits defaults() {
    return new MediaLimits(ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  public MediaLimits withMaxImagePixels(long value) {
    return new MediaLimits(value);
  }
}
