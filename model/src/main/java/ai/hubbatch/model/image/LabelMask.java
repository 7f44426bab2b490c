package ai.hubbatch.model.image;

import java.util.Base64;

/**
 * One segment of a segmentation answer: its score ({@code null} for semantic segmentation), label,
 * and mask as a PNG of mode L (one gray channel, 255 inside the segment, 0 outside) at the original
 * image's size.
 *
 * @param png the mask's PNG bytes; not copied, so not to be changed
 */
public record LabelMask(Double score, String label, byte[] png) {

  /** The mask as the toolkit sends it: the PNG in base64. */
  public String maskBase64() {
    return Base64.getEncoder().encodeToString(png);
  }
}
