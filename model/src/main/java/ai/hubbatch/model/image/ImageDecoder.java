package ai.hubbatch.model.image;

import com.luciad.imageio.webp.WebPImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes image bytes to the raster transformers' {@code load_image} gets from Pillow: {@code
 * ImageOps.exif_transpose(Image.open(bytes)).convert("RGB")}.
 *
 * <p>Guarantees, against Pillow 9.4 with libjpeg-turbo (tested on every image of {@code
 * samples/images/}): the same pixels for JPEG (baseline, progressive, gray, CMYK, YCCK, with an ICC
 * profile, which neither applies), PNG (8- and 16-bit, gray, palette, alpha), GIF (the first
 * frame), BMP, TIFF and WebP (lossless and lossy); alpha is dropped, not composited; palettes are
 * expanded; gray is replicated; a 16-bit gray PNG is clipped at 255 as Pillow's mode {@code I} is;
 * the EXIF orientation is applied as {@code exif_transpose} applies it.
 *
 * <p>Readers: JPEG through TwelveMonkeys' reader, whose raw rasters this class converts with
 * libjpeg's own fixed-point formulas (the JDK's colour conversion applies ICC profiles and misreads
 * CMYK); TIFF through TwelveMonkeys'; WebP through libwebp (webp-imageio), the library Pillow uses;
 * PNG, GIF and BMP through the JDK's readers, read as rasters (never {@code getRGB}, which changes
 * gray levels).
 *
 * <p>Before a pixel is allocated, the size in the image's header is checked against {@link
 * #maxPixels()}, so a tiny file that declares a huge image is refused at once. Immutable and
 * thread-safe: every call makes its own reader.
 */
public final class ImageDecoder {

  /**
   * Pillow's {@code Image.MAX_IMAGE_PIXELS}, {@code 1024 * 1024 * 1024 // 4 // 3}: past it Pillow
   * warns of a decompression bomb (and refuses past twice that). The default limit: a 3-byte pixel
   * raster of that size is 256 MiB, already more than a batch job wants per image.
   */
  public static final long DEFAULT_MAX_PIXELS = 1024L * 1024 * 1024 / 4 / 3;

  private static final ImageDecoder DEFAULT = new ImageDecoder(DEFAULT_MAX_PIXELS);

  private final long maxPixels;

  private ImageDecoder(long maxPixels) {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("the pixel limit must be positive, got " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  /** A decoder with the {@link #DEFAULT_MAX_PIXELS} limit. */
  public static ImageDecoder defaults() {
    return DEFAULT;
  }

  /** A copy that refuses images of more than {@code maxPixels} pixels (width times height). */
  public ImageDecoder withMaxPixels(long maxPixels) {
    return new ImageDecoder(maxPixels);
  }

  public long maxPixels() {
    return maxPixels;
  }

  /**
   * The upright RGB raster of {@code bytes}, in whichever supported format they are.
   *
   * @throws InvalidImageException when the bytes are not a supported image, are truncated or
   *     corrupt, or declare more than {@link #maxPixels()} pixels
   */
  public RgbImage decode(byte[] bytes) {
    ImageFormat format = ImageFormat.detect(bytes);
    ImageReader reader = reader(format);
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      checkSize(format, width, height);
      JpegHeader jpeg = format == ImageFormat.JPEG ? JpegHeader.read(bytes) : null;
      RgbImage image;
      if (format == ImageFormat.JPEG) {
        Raster raw = reader.readRaster(0, null);
        image = JpegColors.toRgb(raw, jpeg.colorSpace(raw.getNumBands()));
      } else {
        image = toRgb(reader.read(0), format);
      }
      for (String warning : warnings) {
        // libjpeg only warns of a truncated file and fills the rest with gray; Pillow refuses it
        if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
          throw new InvalidImageException(
              "the " + format + " image is truncated (" + warning + ")");
        }
      }
      return Orientation.apply(image, Orientation.of(format, bytes, jpeg));
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidImageException invalid) {
        throw invalid;
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new InvalidImageException(
          "the " + format + " image cannot be decoded: " + reason.strip(), e);
    } finally {
      reader.dispose();
    }
  }

  private void checkSize(ImageFormat format, int width, int height) {
    long pixels = (long) width * height;
    if (width < 1 || height < 1) {
      throw new InvalidImageException(
          "the " + format + " image declares a size of " + width + "x" + height);
    }
    if (pixels > maxPixels) {
      throw new InvalidImageException(
          "the "
              + format
              + " image is "
              + width
              + "x"
              + height
              + " = "
              + pixels
              + " pixels, more than the limit of "
              + maxPixels
              + " (a decompression bomb?); raise the image pixel limit to read it");
    }
  }

  /** The reader for a format, chosen explicitly so another plugin on the classpath cannot win. */
  private static ImageReader reader(ImageFormat format) {
    return switch (format) {
      case JPEG -> registered(JPEGImageReaderSpi.class);
      case TIFF -> registered(TIFFImageReaderSpi.class);
      case WEBP -> registered(WebPImageReaderSpi.class);
      case PNG, GIF, BMP -> jdkReader(format.name().toLowerCase(Locale.ROOT));
    };
  }

  /**
   * A reader from the plugin as ImageIO registered it (TwelveMonkeys' plugins find their JDK
   * delegates on registration). ImageIO scans the class path once, with whichever context class
   * loader is current then; a plugin that scan missed (a runner's user-code class loader) is
   * registered here.
   */
  private static ImageReader registered(Class<? extends ImageReaderSpi> type) {
    IIORegistry registry = IIORegistry.getDefaultInstance();
    ImageReaderSpi provider = registry.getServiceProviderByClass(type);
    try {
      if (provider == null) {
        registry.registerServiceProvider(type.getDeclaredConstructor().newInstance());
        provider = registry.getServiceProviderByClass(type);
      }
      return provider.createReaderInstance();
    } catch (IOException | ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create a reader of " + type.getName(), e);
    }
  }

  private static ImageReader jdkReader(String formatName) {
    ImageReader chosen = null;
    for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(formatName);
        it.hasNext(); ) {
      ImageReader candidate = it.next();
      if (chosen == null || candidate.getClass().getName().startsWith("com.sun.imageio.")) {
        chosen = candidate;
      }
    }
    if (chosen == null) {
      throw new IllegalStateException("the JDK has no " + formatName + " reader");
    }
    return chosen;
  }

  /** A decoded image's raster as Pillow's {@code convert("RGB")} of the same samples. */
  private static RgbImage toRgb(BufferedImage image, ImageFormat format) {
    Raster raster = image.getRaster();
    ColorModel model = image.getColorModel();
    int width = raster.getWidth();
    int height = raster.getHeight();
    int bands = raster.getNumBands();
    int bits = raster.getSampleModel().getSampleSize(0);
    int colorType = model.getColorSpace().getType();
    byte[] rgb = new byte[3 * width * height];
    int[] row = new int[width * bands];
    int out = 0;
    for (int y = 0; y < height; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
      for (int x = 0, in = 0; x < width; x++, in += bands) {
        if (model instanceof IndexColorModel palette) {
          int index = row[in];
          rgb[out] = (byte) palette.getRed(index);
          rgb[out + 1] = (byte) palette.getGreen(index);
          rgb[out + 2] = (byte) palette.getBlue(index);
        } else if (colorType == ColorSpace.TYPE_GRAY) {
          byte v = (byte) level(row[in], bits, bands == 1 && format == ImageFormat.PNG);
          rgb[out] = v;
          rgb[out + 1] = v;
          rgb[out + 2] = v;
        } else if (colorType == ColorSpace.TYPE_RGB && bands >= 3) {
          rgb[out] = (byte) level(row[in], bits, false);
          rgb[out + 1] = (byte) level(row[in + 1], bits, false);
          rgb[out + 2] = (byte) level(row[in + 2], bits, false);
        } else {
          throw new InvalidImageException(
              "the "
                  + format
                  + " image has an unsupported colour model ("
                  + bands
                  + " bands, colour space type "
                  + colorType
                  + ")");
        }
        out += 3;
      }
    }
    return new RgbImage(width, height, rgb);
  }

  /**
   * An 8-bit level from a sample of {@code bits} bits, as Pillow unpacks it: 16-bit samples keep
   * their high byte, except a lone 16-bit gray channel, which Pillow opens as 32-bit mode {@code I}
   * and clips at 255 when converting; smaller samples are scaled to the full range.
   */
  private static int level(int sample, int bits, boolean clipLikeModeI) {
    if (bits == 8) {
      return sample;
    }
    if (bits == 16) {
      return clipLikeModeI ? Math.min(sample, 255) : sample >> 8;
    }
    if (bits < 8) {
      return sample * 255 / ((1 << bits) - 1);
    }
    return sample >> (bits - 8);
  }
}
