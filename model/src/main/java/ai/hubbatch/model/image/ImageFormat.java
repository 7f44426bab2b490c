package ai.hubbatch.model.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The image formats {@link ImageDecoder} reads, told from their magic bytes as Pillow tells them
 * (the media type a record was sent with does not decide the decoder, as in the Python toolkit).
 */
public enum ImageFormat {
  JPEG("image/jpeg"),
  PNG("image/png"),
  GIF("image/gif"),
  BMP("image/bmp"),
  TIFF("image/tiff"),
  WEBP("image/webp");

  /** The media type that means "any of these formats, told from the bytes". */
  public static final String ANY_IMAGE = "image/x-image";

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int TEXT_PROBE = 512;

  private final String mediaType;

  ImageFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /**
   * The format of a media type ({@code image/jpg} and {@code image/tif} included); empty for {@link
   * #ANY_IMAGE} and for media types that are not one of these formats.
   */
  public static Optional<ImageFormat> forMediaType(String mediaType) {
    String type = mediaType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
    for (ImageFormat format : values()) {
      if (format.mediaType.equals(type)) {
        return Optional.of(format);
      }
    }
    return switch (type) {
      case "image/jpg", "image/pjpeg" -> Optional.of(JPEG);
      case "image/tif" -> Optional.of(TIFF);
      case "image/x-ms-bmp" -> Optional.of(BMP);
      default -> Optional.empty();
    };
  }

  /** The format whose magic bytes {@code bytes} starts with, if any. */
  public static Optional<ImageFormat> sniff(byte[] bytes) {
    if (startsWith(bytes, 0, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(bytes, 0, PNG_SIGNATURE)) {
      return Optional.of(PNG);
    }
    if (startsWith(bytes, 0, ascii("GIF87a")) || startsWith(bytes, 0, ascii("GIF89a"))) {
      return Optional.of(GIF);
    }
    if (startsWith(bytes, 0, ascii("BM")) && bytes.length >= 26) {
      return Optional.of(BMP);
    }
    if (startsWith(bytes, 0, (byte) 'I', (byte) 'I', (byte) 42, (byte) 0)
        || startsWith(bytes, 0, (byte) 'M', (byte) 'M', (byte) 0, (byte) 42)) {
      return Optional.of(TIFF);
    }
    if (startsWith(bytes, 0, ascii("RIFF")) && startsWith(bytes, 8, ascii("WEBP"))) {
      return Optional.of(WEBP);
    }
    return Optional.empty();
  }

  /**
   * The format of {@code bytes}.
   *
   * @throws InvalidImageException naming why they are not an image: empty, text, or an unknown
   *     format (with its first bytes)
   */
  public static ImageFormat detect(byte[] bytes) {
    Optional<ImageFormat> format = sniff(bytes);
    if (format.isPresent()) {
      return format.get();
    }
    if (bytes.length == 0) {
      throw new InvalidImageException("the image is empty (0 bytes)");
    }
    if (looksLikeText(bytes)) {
      String head = new String(bytes, 0, Math.min(bytes.length, 40), StandardCharsets.UTF_8);
      throw new InvalidImageException(
          "not an image but text, starting \""
              + head.replaceAll("\\s+", " ").strip()
              + (bytes.length > 40 ? "..." : "")
              + "\"");
    }
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, 8); i++) {
      head.append(String.format(Locale.ROOT, " %02x", bytes[i] & 0xFF));
    }
    throw new InvalidImageException(
        "not a JPEG, PNG, GIF, BMP, TIFF or WebP image (first bytes:" + head + ")");
  }

  /** No control bytes but whitespace in the first bytes: text (UTF-8 and Latin-1 alike). */
  private static boolean looksLikeText(byte[] bytes) {
    for (int i = 0; i < Math.min(bytes.length, TEXT_PROBE); i++) {
      int b = bytes[i] & 0xFF;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' || b == 0x7F) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean startsWith(byte[] bytes, int offset, byte... prefix) {
    if (bytes.length < offset + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
