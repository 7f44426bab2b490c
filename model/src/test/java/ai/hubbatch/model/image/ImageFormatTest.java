package ai.hubbatch.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Formats told from magic bytes, as Pillow tells them, and media types. */
class ImageFormatTest {

  private static final Map<String, ImageFormat> BY_PREFIX =
      Map.of(
          "jpeg-", ImageFormat.JPEG,
          "png-", ImageFormat.PNG,
          "gif-", ImageFormat.GIF,
          "bmp-", ImageFormat.BMP,
          "tiff-", ImageFormat.TIFF,
          "webp-", ImageFormat.WEBP);

  @Test
  void everySampleIsToldFromItsBytes() {
    for (String name : TestImages.sampleNames()) {
      ImageFormat expected =
          BY_PREFIX.entrySet().stream()
              .filter(e -> name.startsWith(e.getKey()))
              .findFirst()
              .orElseThrow()
              .getValue();
      assertEquals(expected, ImageFormat.detect(TestImages.sample(name)), name);
    }
  }

  @Test
  void refusesWhatIsNotAnImageWithTheReason() {
    assertTrue(message(new byte[0]).contains("empty"));
    assertTrue(
        message("{\"inputs\": \"a\"}".getBytes(StandardCharsets.UTF_8))
            .contains("not an image but text, starting \"{\"inputs\": \"a\"}\""));
    assertTrue(
        message("%PDF-1.7\n%\u00e2\u00e3".getBytes(StandardCharsets.ISO_8859_1)).contains("text"));
    assertTrue(message(new byte[] {0x1F, (byte) 0x8B, 8, 0}).contains("first bytes: 1f 8b 08 00"));
    // a RIFF file that is not WebP (a WAV)
    byte[] wav = "RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII);
    assertEquals(Optional.empty(), ImageFormat.sniff(wav));
  }

  @Test
  void mediaTypes() {
    assertEquals(Optional.of(ImageFormat.JPEG), ImageFormat.forMediaType("image/jpeg"));
    assertEquals(Optional.of(ImageFormat.JPEG), ImageFormat.forMediaType("Image/JPG; q=1"));
    assertEquals(Optional.of(ImageFormat.TIFF), ImageFormat.forMediaType("image/tiff"));
    assertEquals(Optional.of(ImageFormat.WEBP), ImageFormat.forMediaType("image/webp"));
    assertEquals(Optional.empty(), ImageFormat.forMediaType(ImageFormat.ANY_IMAGE));
    assertEquals(Optional.empty(), ImageFormat.forMediaType("application/json"));
  }

  private static String message(byte[] bytes) {
    return assertThrows(InvalidImageException.class, () -> ImageFormat.detect(bytes)).getMessage();
  }
}
