package ai.hubbatch.model.image;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.InflaterInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The EXIF orientation (tag 0x0112 of the first IFD) and Pillow's {@code ImageOps.exif_transpose}
 * of it. The tag is looked for where Pillow 9.4's {@code getexif()} looks: a JPEG's first APP1 Exif
 * block, a PNG's {@code eXIf} chunk or ImageMagick's "Raw profile type exif" text chunk, a WebP's
 * {@code EXIF} chunk, a TIFF's own first IFD. A missing or unreadable tag means upright, as in
 * Pillow.
 */
final class Orientation {

  private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
  private static final String RAW_PROFILE = "Raw profile type exif";

  private Orientation() {}

  /** The orientation 1..8 of an image in {@code format}; 1 when it has none. */
  static int of(ImageFormat format, byte[] bytes, JpegHeader jpeg) {
    byte[] tiff =
        switch (format) {
          case JPEG -> jpeg.exif();
          case PNG -> pngExif(bytes);
          case WEBP -> webpExif(bytes);
          case TIFF -> bytes;
          default -> null;
        };
    if (tiff == null) {
      return 1;
    }
    int start = startsWith(tiff, EXIF_HEADER) ? EXIF_HEADER.length : 0;
    try (ImageInputStream in =
        new MemoryCacheImageInputStream(
            new ByteArrayInputStream(tiff, start, tiff.length - start))) {
      Directory directory = new TIFFReader().read(in);
      if (directory instanceof CompoundDirectory ifds && ifds.directoryCount() > 0) {
        directory = ifds.getDirectory(0);
      }
      Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
      if (entry != null && entry.getValue() instanceof Number number) {
        int value = number.intValue();
        return value >= 1 && value <= 8 ? value : 1;
      }
    } catch (IOException | RuntimeException e) {
      // an unreadable EXIF block: Pillow leaves the image as it is, and so do we
    }
    return 1;
  }

  /** The image turned upright as {@code exif_transpose} turns it for {@code orientation}. */
  static RgbImage apply(RgbImage image, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    boolean swap = orientation >= 5;
    int outWidth = swap ? h : w;
    int outHeight = swap ? w : h;
    byte[] in = image.data();
    byte[] out = new byte[in.length];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        // the source pixel of (x, y) for Pillow's transpose method of each orientation
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { // FLIP_LEFT_RIGHT
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> { // ROTATE_180
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> { // FLIP_TOP_BOTTOM
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> { // TRANSPOSE
            sx = y;
            sy = x;
          }
          case 6 -> { // ROTATE_270
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> { // TRANSVERSE
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> { // 8: ROTATE_90
            sx = w - 1 - y;
            sy = x;
          }
        }
        System.arraycopy(in, (sy * w + sx) * 3, out, (y * outWidth + x) * 3, 3);
      }
    }
    return new RgbImage(outWidth, outHeight, out);
  }

  /** A PNG's {@code eXIf} chunk, or the hex dump of ImageMagick's raw profile text chunk. */
  private static byte[] pngExif(byte[] bytes) {
    byte[] profile = null;
    int at = 8;
    while (at + 12 <= bytes.length) {
      int length = bigEndianInt(bytes, at);
      String type = new String(bytes, at + 4, 4, StandardCharsets.ISO_8859_1);
      int data = at + 8;
      if (length < 0 || data + length > bytes.length || type.equals("IDAT")) {
        break;
      }
      if (type.equals("eXIf")) {
        return Arrays.copyOfRange(bytes, data, data + length);
      }
      if (profile == null && (type.equals("tEXt") || type.equals("zTXt"))) {
        profile = rawProfile(type, Arrays.copyOfRange(bytes, data, data + length));
      }
      at = data + length + 4;
    }
    return profile;
  }

  /** The bytes of a "Raw profile type exif" text chunk: hex after three header lines. */
  private static byte[] rawProfile(String type, byte[] chunk) {
    int nul = 0;
    while (nul < chunk.length && chunk[nul] != 0) {
      nul++;
    }
    if (!new String(chunk, 0, nul, StandardCharsets.ISO_8859_1).equals(RAW_PROFILE)) {
      return null;
    }
    try {
      byte[] text;
      if (type.equals("zTXt")) {
        // keyword, NUL, compression method, then a zlib stream
        ByteArrayOutputStream inflated = new ByteArrayOutputStream();
        try (InflaterInputStream in =
            new InflaterInputStream(
                new ByteArrayInputStream(chunk, nul + 2, chunk.length - nul - 2))) {
          in.transferTo(inflated);
        }
        text = inflated.toByteArray();
      } else {
        text = Arrays.copyOfRange(chunk, nul + 1, chunk.length);
      }
      String[] lines = new String(text, StandardCharsets.ISO_8859_1).split("\n", -1);
      StringBuilder hex = new StringBuilder();
      for (int i = 3; i < lines.length; i++) {
        hex.append(lines[i].strip());
      }
      return HexFormat.of().parseHex(hex);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** A WebP's {@code EXIF} chunk. */
  private static byte[] webpExif(byte[] bytes) {
    int at = 12;
    while (at + 8 <= bytes.length) {
      String type = new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
      int length =
          (bytes[at + 4] & 0xFF)
              | (bytes[at + 5] & 0xFF) << 8
              | (bytes[at + 6] & 0xFF) << 16
              | (bytes[at + 7] & 0xFF) << 24;
      int data = at + 8;
      if (length < 0 || data + length > bytes.length) {
        break;
      }
      if (type.equals("EXIF")) {
        return Arrays.copyOfRange(bytes, data, data + length);
      }
      at = data + length + (length & 1);
    }
    return null;
  }

  private static int bigEndianInt(byte[] bytes, int at) {
    return (bytes[at] & 0xFF) << 24
        | (bytes[at + 1] & 0xFF) << 16
        | (bytes[at + 2] & 0xFF) << 8
        | (bytes[at + 3] & 0xFF);
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }
}
