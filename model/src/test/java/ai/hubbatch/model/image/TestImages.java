package ai.hubbatch.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The test images: samples/images/ (written by scripts/make-sample-images.py) and Pillow's answers
 * under src/test/resources/images/ (scripts/pillow-reference.py).
 */
final class TestImages {

  private TestImages() {}

  static Path samples() {
    Path folder =
        Paths.get(System.getProperty("user.dir")).resolve("../samples/images").normalize();
    if (!Files.isDirectory(folder)) {
      throw new IllegalStateException("no sample images at " + folder);
    }
    return folder;
  }

  static List<String> sampleNames() {
    try (Stream<Path> files = Files.list(samples())) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] sample(String name) {
    try {
      return Files.readAllBytes(samples().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String path) {
    try (InputStream in = TestImages.class.getResourceAsStream("/images/" + path)) {
      if (in == null) {
        throw new IllegalStateException("no test resource images/" + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An 8-bit RGB PNG that Pillow wrote, read as its raw samples. */
  static RgbImage pillowPng(String path) {
    try (InputStream in = TestImages.class.getResourceAsStream("/images/" + path)) {
      if (in == null) {
        throw new IllegalStateException("no test resource images/" + path);
      }
      BufferedImage image = ImageIO.read(in);
      Raster raster = image.getRaster();
      if (raster.getNumBands() != 3 || raster.getSampleModel().getSampleSize(0) != 8) {
        throw new IllegalStateException(path + " is not an 8-bit RGB PNG");
      }
      int w = raster.getWidth();
      int h = raster.getHeight();
      int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
      byte[] rgb = new byte[samples.length];
      for (int i = 0; i < samples.length; i++) {
        rgb[i] = (byte) samples[i];
      }
      return RgbImage.of(w, h, rgb);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The largest difference of one sample between two images of the same size. */
  static int maxDifference(RgbImage a, RgbImage b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new AssertionError(
          "sizes differ: " + a.width() + "x" + a.height() + " vs " + b.width() + "x" + b.height());
    }
    byte[] x = a.data();
    byte[] y = b.data();
    int max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs((x[i] & 0xFF) - (y[i] & 0xFF)));
    }
    return max;
  }
}
