package ai.hubbatch.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample image decodes to Pillow's {@code exif_transpose(...).convert("RGB")} exactly. */
class ImageDecoderTest {

  static Stream<String> samples() {
    return TestImages.sampleNames().stream();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void decodesAsPillowDoes(String name) {
    RgbImage decoded = ImageDecoder.defaults().decode(TestImages.sample(name));
    RgbImage pillow = TestImages.pillowPng("pillow/" + name + ".png");
    assertEquals(0, TestImages.maxDifference(decoded, pillow), name);
    assertEquals(pillow, decoded, name);
  }

  static Stream<String> oriented() {
    return Stream.concat(
        Stream.of(1, 2, 3, 4, 5, 6, 7, 8).map(n -> "jpeg-" + n + ".jpg"),
        Stream.of("png-8.png", "webp-3.webp"));
  }

  @ParameterizedTest
  @MethodSource("oriented")
  void appliesEachExifOrientationAsPillow(String name) {
    RgbImage decoded = ImageDecoder.defaults().decode(TestImages.resource("orientation/" + name));
    assertEquals(TestImages.pillowPng("orientation/" + name + ".png"), decoded, name);
  }

  @Test
  void turnsExifOrientationUpright() {
    RgbImage image =
        ImageDecoder.defaults().decode(TestImages.sample("jpeg-exif-orientation-6.jpg"));
    // stored 120 wide and 100 high; orientation 6 shows it rotated a quarter turn clockwise
    assertEquals(100, image.width());
    assertEquals(120, image.height());
  }

  @Test
  void refusesABombBeforeAllocating() {
    byte[] bomb = TestImages.resource("bad/bomb.png");
    InvalidImageException error =
        assertThrows(InvalidImageException.class, () -> ImageDecoder.defaults().decode(bomb));
    assertTrue(error.getMessage().contains("100000x100000"), error.getMessage());
    assertTrue(error.getMessage().contains("more than the limit of 89478485"), error.getMessage());
  }

  @Test
  void aRaisedLimitLetsALargerImageThrough() {
    byte[] png = TestImages.sample("png-rgb.png"); // 160 x 120 = 19,200 pixels
    ImageDecoder strict = ImageDecoder.defaults().withMaxPixels(19_199);
    assertThrows(InvalidImageException.class, () -> strict.decode(png));
    assertEquals(160, strict.withMaxPixels(19_200).decode(png).width());
  }

  @Test
  void refusesTruncatedEmptyAndTextInputs() {
    assertMessage("bad/truncated.jpg", "truncated");
    assertMessage("bad/empty.jpg", "empty");
    assertMessage("bad/text.jpg", "not an image but text, starting \"This is a text file");
  }

  @Test
  void namesUnknownFormatsByTheirFirstBytes() {
    byte[] bytes = {0, 0, 1, 0, 1, 0, 32, 32}; // an ICO header
    InvalidImageException error =
        assertThrows(InvalidImageException.class, () -> ImageDecoder.defaults().decode(bytes));
    assertTrue(error.getMessage().contains("first bytes: 00 00 01 00"), error.getMessage());
  }

  private static void assertMessage(String resource, String expected) {
    byte[] bytes = TestImages.resource(resource);
    InvalidImageException error =
        assertThrows(InvalidImageException.class, () -> ImageDecoder.defaults().decode(bytes));
    assertTrue(error.getMessage().contains(expected), resource + ": " + error.getMessage());
  }
}
