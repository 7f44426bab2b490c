package ai.hubbatch.model.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The markers of a JPEG file that decide how its samples become colours, read up to the first scan:
 * JFIF (APP0), Adobe (APP14) and its transform, the frame's component ids, and the first Exif block
 * (APP1).
 *
 * <p>{@link #colorSpace()} applies libjpeg's rules ({@code jdapimin.c}, which Pillow's
 * libjpeg-turbo follows) for the colour space the samples are stored in.
 */
final class JpegHeader {

  /** How a JPEG's samples are stored. */
  enum ColorSpace {
    GRAY,
    YCBCR,
    RGB,
    CMYK,
    YCCK
  }

  private boolean jfif;
  private int adobeTransform = -1;
  private int[] componentIds = new int[0];
  private byte[] exif;

  private JpegHeader() {}

  static JpegHeader read(byte[] bytes) {
    JpegHeader header = new JpegHeader();
    int at = 2;
    while (at + 4 <= bytes.length) {
      if ((bytes[at] & 0xFF) != 0xFF) {
        break;
      }
      int marker = bytes[at + 1] & 0xFF;
      if (marker == 0xFF) {
        at++; // fill byte
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        at += 2;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        break;
      }
      int length = ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
      int start = at + 4;
      int end = Math.min(bytes.length, at + 2 + length);
      if (length < 2) {
        break;
      }
      header.segment(marker, bytes, start, end);
      at += 2 + length;
    }
    return header;
  }

  private void segment(int marker, byte[] bytes, int start, int end) {
    int size = end - start;
    if (marker == 0xE0 && size >= 14 && startsWith(bytes, start, "JFIF\0")) {
      jfif = true;
    } else if (marker == 0xEE && size >= 12 && startsWith(bytes, start, "Adobe")) {
      adobeTransform = bytes[start + 11] & 0xFF;
    } else if (marker == 0xE1 && exif == null && startsWith(bytes, start, "Exif\0")) {
      exif = Arrays.copyOfRange(bytes, start, end);
    } else if (isStartOfFrame(marker) && size >= 6) {
      int components = bytes[start + 5] & 0xFF;
      componentIds = new int[components];
      for (int i = 0; i < components && start + 6 + 3 * i < end; i++) {
        componentIds[i] = bytes[start + 6 + 3 * i] & 0xFF;
      }
    }
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static boolean startsWith(byte[] bytes, int at, String prefix) {
    byte[] expected = prefix.getBytes(StandardCharsets.US_ASCII);
    return at + expected.length <= bytes.length
        && Arrays.equals(bytes, at, at + expected.length, expected, 0, expected.length);
  }

  /** The colour space of the stored samples, for a raster of {@code bands} components. */
  ColorSpace colorSpace(int bands) {
    switch (bands) {
      case 1:
        return ColorSpace.GRAY;
      case 3:
        if (jfif) {
          return ColorSpace.YCBCR;
        }
        if (adobeTransform >= 0) {
          return adobeTransform == 0 ? ColorSpace.RGB : ColorSpace.YCBCR;
        }
        if (componentIds.length == 3
            && componentIds[0] == 'R'
            && componentIds[1] == 'G'
            && componentIds[2] == 'B') {
          return ColorSpace.RGB;
        }
        return ColorSpace.YCBCR;
      case 4:
        return adobeTransform == 0 || adobeTransform < 0 ? ColorSpace.CMYK : ColorSpace.YCCK;
      default:
        throw new InvalidImageException("a JPEG image with " + bands + " components");
    }
  }

  /** The first APP1 Exif block, from its "Exif\0\0" header on; null when there is none. */
  byte[] exif() {
    return exif;
  }
}
