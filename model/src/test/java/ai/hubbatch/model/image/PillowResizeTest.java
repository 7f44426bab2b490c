package ai.hubbatch.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PillowResize} against Pillow 9.4's {@code Image.resize} (scripts/pillow-reference.py): a
 * noise image and a photo, each filter, up and down, square and not. Every case must be exact.
 */
class PillowResizeTest {

  static Stream<String> cases() {
    try {
      Path root =
          Paths.get(
              Objects.requireNonNull(PillowResizeTest.class.getResource("/images/resize")).toURI());
      try (Stream<Path> files = Files.walk(root)) {
        return files
            .filter(f -> !f.getParent().equals(root) && f.toString().endsWith(".png"))
            .map(f -> root.relativize(f).toString())
            .sorted()
            .toList()
            .stream();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void resizesAsPillow(String path) {
    // <input>/<filter>-<width>x<height>.png
    String input = path.substring(0, path.indexOf('/'));
    String name = path.substring(input.length() + 1, path.length() - ".png".length());
    String filter = name.substring(0, name.indexOf('-'));
    String[] size = name.substring(filter.length() + 1).split("x");
    RgbImage source = TestImages.pillowPng("resize/" + input + ".png");
    RgbImage resized =
        PillowResize.resize(
            source,
            Integer.parseInt(size[0]),
            Integer.parseInt(size[1]),
            Resample.fromName(filter));
    RgbImage pillow = TestImages.pillowPng("resize/" + path);
    assertEquals(0, TestImages.maxDifference(resized, pillow), path);
  }
}
