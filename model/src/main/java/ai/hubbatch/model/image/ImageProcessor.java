package ai.hubbatch.model.image;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.config.ConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A transformers image processor (the slow, Pillow one) read from {@code preprocessor_config.json}:
 * resize with Pillow's filter ({@link PillowResize}), center crop, rescale, normalize, and for DETR
 * pad with a pixel mask, in transformers' order and arithmetic, so {@code pixel_values} equal the
 * Python toolkit's (rescale in float64 then cast to float32, normalize in float32).
 *
 * <p>The type comes from {@code image_processor_type} (or the older {@code
 * feature_extractor_type}); its family decides what transformers' class for it does:
 *
 * <ul>
 *   <li>ViT, DeiT, BEiT, Segformer and unknown types: {@code size} as {@code {height, width}} (an
 *       integer means a square), or {@code {shortest_edge}} keeping the aspect ratio; then {@code
 *       crop_size} when {@code do_center_crop}.
 *   <li>ConvNeXt: {@code {shortest_edge}} below 384 resizes the short side to {@code shortest_edge
 *       / crop_pct} and crops a {@code shortest_edge} square; 384 and above warps to the square.
 *   <li>CLIP: {@code {shortest_edge}} (an integer means that) then {@code crop_size}.
 *   <li>DETR and YOLOS: {@code {shortest_edge, longest_edge}} (or the legacy {@code size} + {@code
 *       max_size}), each with its own rounding (YOLOS also cuts both sides down to multiples of
 *       16); {@code do_pad} pads a batch to its largest image, DETR with a {@code pixel_mask}.
 * </ul>
 *
 * <p>Missing keys take the defaults of transformers' class for the type. Steps this class does not
 * implement ({@code do_flip_channel_order}, {@code do_convert_grayscale}, padding outside DETR and
 * YOLOS) are refused with an {@link IllegalArgumentException} rather than skipped. Immutable and
 * thread-safe.
 */
public final class ImageProcessor {

  /** Processor families: the transformers classes whose rules differ. */
  enum Family {
    VIT,
    DEIT,
    BEIT,
    CONVNEXT,
    CLIP,
    DETR,
    YOLOS,
    SEGFORMER,
    OTHER
  }

  private static final float[] IMAGENET_DEFAULT_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_DEFAULT_STD = {0.229f, 0.224f, 0.225f};
  private static final float[] IMAGENET_STANDARD = {0.5f, 0.5f, 0.5f};
  private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
  private static final int CONVNEXT_WARP_FROM = 384;
  private static final int YOLOS_MULTIPLE = 16;

  /** A {@code size} dictionary; absent keys are null. */
  record Size(
      Integer height,
      Integer width,
      Integer shortestEdge,
      Integer longestEdge,
      Integer maxHeight,
      Integer maxWidth) {

    boolean hasHeightWidth() {
      return height != null && width != null;
    }
  }

  private final String type;
  private final Family family;
  private final boolean doResize;
  private final Size size;
  private final Resample resample;
  private final boolean doCenterCrop;
  private final Size cropSize;
  private final double cropPct;
  private final boolean doRescale;
  private final double rescaleFactor;
  private final boolean doNormalize;
  private final float[] mean;
  private final float[] std;
  private final boolean doPad;
  private final Size padSize;

  private ImageProcessor(JsonNode config) {
    type =
        config
            .path("image_processor_type")
            .asText(config.path("feature_extractor_type").asText(""));
    family = family(type);
    boolean square = !(family == Family.CONVNEXT || family == Family.CLIP || isDetection());
    doResize = config.path("do_resize").asBoolean(true);
    size = size(config.get("size"), config.get("max_size"), square, defaultSize());
    resample = Resample.fromPil(config.path("resample").asInt(defaultResample().pil()));
    boolean cropByDefault = family == Family.DEIT || family == Family.BEIT || family == Family.CLIP;
    doCenterCrop = config.path("do_center_crop").asBoolean(cropByDefault);
    cropSize = size(config.get("crop_size"), null, true, defaultCropSize());
    cropPct = config.path("crop_pct").isNumber() ? config.get("crop_pct").asDouble() : 224.0 / 256;
    doRescale = config.path("do_rescale").asBoolean(true);
    rescaleFactor = config.path("rescale_factor").asDouble(1.0 / 255);
    doNormalize = config.path("do_normalize").asBoolean(true);
    mean = channels(config.get("image_mean"), defaultMean(), "image_mean");
    std = channels(config.get("image_std"), defaultStd(), "image_std");
    doPad =
        isDetection()
            && config
                .path("do_pad")
                .asBoolean(config.path("pad_and_return_pixel_mask").asBoolean(true));
    padSize = config.hasNonNull("pad_size") ? size(config.get("pad_size"), null, true, null) : null;
    // steps of other processors that this class does not take: refused, not silently skipped
    for (String step : List.of("do_flip_channel_order", "do_convert_grayscale")) {
      if (config.path(step).asBoolean(false)) {
        throw new ConfigurationException(type + ": " + step + " is not supported");
      }
    }
    if (!isDetection() && config.path("do_pad").asBoolean(false)) {
      throw new ConfigurationException(type + ": do_pad is supported for DETR and YOLOS only");
    }
  }

  /** The processor a {@code preprocessor_config.json} describes. */
  public static ImageProcessor fromConfig(JsonNode config) {
    if (!config.isObject()) {
      throw new ConfigurationException("preprocessor_config.json is not a JSON object");
    }
    return new ImageProcessor(config);
  }

  /** Reads a {@code preprocessor_config.json}. */
  public static ImageProcessor read(Path preprocessorConfig) throws IOException {
    return fromConfig(Json.MAPPER.readTree(preprocessorConfig.toFile()));
  }

  /** The {@code image_processor_type} (or {@code feature_extractor_type}) it was read with. */
  public String type() {
    return type;
  }

  public Resample resample() {
    return resample;
  }

  /** Whether {@link #batch} gives a {@code pixel_mask} (DETR's processors, when they pad). */
  public boolean returnsPixelMask() {
    return doPad && family == Family.DETR;
  }

  /** Whether {@link #batch} pads images of different sizes (instead of refusing them). */
  public boolean pads() {
    return doPad;
  }

  private boolean isDetection() {
    return family == Family.DETR || family == Family.YOLOS;
  }

  private static Family family(String type) {
    String name =
        type.toLowerCase(Locale.ROOT).replaceAll("(imageprocessor|featureextractor)(fast)?$", "");
    return switch (name) {
      case "vit" -> Family.VIT;
      case "deit" -> Family.DEIT;
      case "beit", "data2vecvision" -> Family.BEIT;
      case "convnext" -> Family.CONVNEXT;
      case "clip" -> Family.CLIP;
      case "detr", "conditionaldetr", "deformabledetr", "deta" -> Family.DETR;
      case "yolos" -> Family.YOLOS;
      case "segformer" -> Family.SEGFORMER;
      default -> Family.OTHER;
    };
  }

  /**
   * Processes one decoded image.
   *
   * @throws IllegalArgumentException when the configuration cannot size this image
   */
  public ProcessedImage process(RgbImage image) {
    RgbImage current = image;
    if (doResize) {
      int[] target = resizedSize(current.height(), current.width());
      current = PillowResize.resize(current, target[1], target[0], resample);
      if (family == Family.CONVNEXT && size.shortestEdge() < CONVNEXT_WARP_FROM) {
        current = centerCrop(current, size.shortestEdge(), size.shortestEdge());
      }
    }
    if (doCenterCrop && family != Family.CONVNEXT) {
      if (!cropSize.hasHeightWidth()) {
        throw new ConfigurationException(type + ": crop_size needs height and width");
      }
      current = centerCrop(current, cropSize.height(), cropSize.width());
    }
    return new ProcessedImage(
        pixelValues(current), current.height(), current.width(), image.height(), image.width());
  }

  /**
   * Stacks processed images into a batch. Images of one size stack as they are; images of different
   * sizes are padded at the bottom and right with zeros to the largest height and width (or {@code
   * pad_size}) when the processor pads, and refused otherwise.
   */
  public PixelBatch batch(List<ProcessedImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an empty batch");
    }
    int height = 0;
    int width = 0;
    for (ProcessedImage image : images) {
      height = Math.max(height, image.height());
      width = Math.max(width, image.width());
    }
    if (doPad && padSize != null && padSize.hasHeightWidth()) {
      if (padSize.height() < height || padSize.width() < width) {
        throw new ConfigurationException(
            type + ": pad_size " + padSize.height() + "x" + padSize.width() + " is too small");
      }
      height = padSize.height();
      width = padSize.width();
    }
    float[] values = new float[images.size() * 3 * height * width];
    long[] mask = returnsPixelMask() ? new long[images.size() * height * width] : null;
    for (int n = 0; n < images.size(); n++) {
      ProcessedImage image = images.get(n);
      if (!doPad && (image.height() != height || image.width() != width)) {
        throw new IllegalArgumentException(
            type + " does not pad: images of different sizes cannot share a batch");
      }
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < image.height(); y++) {
          System.arraycopy(
              image.pixelValues(),
              (c * image.height() + y) * image.width(),
              values,
              ((n * 3 + c) * height + y) * width,
              image.width());
        }
      }
      if (mask != null) {
        for (int y = 0; y < image.height(); y++) {
          int row = (n * height + y) * width;
          Arrays.fill(mask, row, row + image.width(), 1L);
        }
      }
    }
    return new PixelBatch(values, mask, height, width, images);
  }

  /** The {@code (height, width)} an image of that size is resized to. */
  int[] resizedSize(int height, int width) {
    switch (family) {
      case CONVNEXT:
        int shortest = required(size.shortestEdge(), "shortest_edge");
        if (shortest < CONVNEXT_WARP_FROM) {
          return shortestEdge(height, width, (int) (shortest / cropPct));
        }
        return new int[] {shortest, shortest};
      case DETR:
      case YOLOS:
        if (size.shortestEdge() != null && size.longestEdge() != null) {
          return family == Family.DETR
              ? detrAspect(height, width, size.shortestEdge(), size.longestEdge())
              : yolosAspect(height, width, size.shortestEdge(), size.longestEdge());
        }
        if (size.maxHeight() != null && size.maxWidth() != null) {
          double scale =
              Math.min((double) size.maxHeight() / height, (double) size.maxWidth() / width);
          return new int[] {(int) (height * scale), (int) (width * scale)};
        }
        break;
      default:
        if (size.shortestEdge() != null && !size.hasHeightWidth()) {
          return shortestEdge(height, width, size.shortestEdge());
        }
    }
    if (size.hasHeightWidth()) {
      return new int[] {size.height(), size.width()};
    }
    throw new IllegalArgumentException(type + ": cannot resize with size " + size);
  }

  private int required(Integer value, String key) {
    if (value == null) {
      throw new IllegalArgumentException(type + ": size needs " + key);
    }
    return value;
  }

  /** transformers' {@code get_resize_output_image_size} with {@code default_to_square=False}. */
  private static int[] shortestEdge(int height, int width, int shortest) {
    int shortSide = Math.min(height, width);
    int longSide = Math.max(height, width);
    int newLong = (int) ((double) shortest * longSide / shortSide);
    return width <= height ? new int[] {newLong, shortest} : new int[] {shortest, newLong};
  }

  /** DETR's {@code get_size_with_aspect_ratio}: the short side to {@code size}, the long capped. */
  private static int[] detrAspect(int height, int width, int size, int maxSize) {
    double rawSize = Double.NaN;
    double minSide = Math.min(height, width);
    double maxSide = Math.max(height, width);
    if (maxSide / minSide * size > maxSize) {
      rawSize = maxSize * minSide / maxSide;
      size = (int) Math.rint(rawSize); // Python's round: half to even
    }
    boolean raw = !Double.isNaN(rawSize);
    if ((height <= width && height == size) || (width <= height && width == size)) {
      return new int[] {height, width};
    }
    if (width < height) {
      int h = raw ? (int) (rawSize * height / width) : (int) ((double) size * height / width);
      return new int[] {h, size};
    }
    int w = raw ? (int) (rawSize * width / height) : (int) ((double) size * width / height);
    return new int[] {size, w};
  }

  /** YOLOS' variant: its own order of cases, then both sides cut to multiples of 16. */
  private static int[] yolosAspect(int height, int width, int size, int maxSize) {
    double rawSize = Double.NaN;
    double minSide = Math.min(height, width);
    double maxSide = Math.max(height, width);
    if (maxSide / minSide * size > maxSize) {
      rawSize = maxSize * minSide / maxSide;
      size = (int) Math.rint(rawSize);
    }
    boolean raw = !Double.isNaN(rawSize);
    int h;
    int w;
    if (width < height) {
      w = size;
      h = raw ? (int) (rawSize * height / width) : (int) ((double) size * height / width);
    } else if ((height <= width && height == size) || (width <= height && width == size)) {
      h = height;
      w = width;
    } else {
      h = size;
      w = raw ? (int) (rawSize * width / height) : (int) ((double) size * width / height);
    }
    return new int[] {h - h % YOLOS_MULTIPLE, w - w % YOLOS_MULTIPLE};
  }

  /**
   * transformers' {@code center_crop}: the centred window, and where the image is smaller, the
   * image centred on zeros first.
   */
  private static RgbImage centerCrop(RgbImage image, int cropHeight, int cropWidth) {
    int height = image.height();
    int width = image.width();
    int top = Math.floorDiv(height - cropHeight, 2);
    int left = Math.floorDiv(width - cropWidth, 2);
    if (top == 0 && left == 0 && cropHeight == height && cropWidth == width) {
      return image;
    }
    // the padded canvas (equal to the image when it is large enough) and the image's place on it
    int canvasHeight = Math.max(cropHeight, height);
    int canvasWidth = Math.max(cropWidth, width);
    int padTop = (canvasHeight - height + 1) / 2;
    int padLeft = (canvasWidth - width + 1) / 2;
    top += padTop;
    left += padLeft;
    int fromY = Math.max(0, top);
    int toY = Math.min(canvasHeight, top + cropHeight);
    int fromX = Math.max(0, left);
    int toX = Math.min(canvasWidth, left + cropWidth);
    int outHeight = toY - fromY;
    int outWidth = toX - fromX;
    byte[] in = image.data();
    byte[] out = new byte[3 * outHeight * outWidth];
    for (int y = 0; y < outHeight; y++) {
      int sy = fromY + y - padTop;
      if (sy < 0 || sy >= height) {
        continue;
      }
      for (int x = 0; x < outWidth; x++) {
        int sx = fromX + x - padLeft;
        if (sx >= 0 && sx < width) {
          System.arraycopy(in, (sy * width + sx) * 3, out, (y * outWidth + x) * 3, 3);
        }
      }
    }
    return new RgbImage(outWidth, outHeight, out);
  }

  /** Rescale (float64, then float32) and normalize (float32), channel-first. */
  private float[] pixelValues(RgbImage image) {
    int plane = image.width() * image.height();
    byte[] rgb = image.data();
    float[] values = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      float m = mean[c];
      float s = std[c];
      for (int i = 0; i < plane; i++) {
        int level = rgb[i * 3 + c] & 0xFF;
        float v = doRescale ? (float) (level * rescaleFactor) : level;
        values[c * plane + i] = doNormalize ? (v - m) / s : v;
      }
    }
    return values;
  }

  private Size defaultSize() {
    return switch (family) {
      case DEIT, BEIT -> new Size(256, 256, null, null, null, null);
      case CONVNEXT -> new Size(null, null, 384, null, null, null);
      case CLIP -> new Size(null, null, 224, null, null, null);
      case DETR, YOLOS -> new Size(null, null, 800, 1333, null, null);
      case SEGFORMER -> new Size(512, 512, null, null, null, null);
      default -> new Size(224, 224, null, null, null, null);
    };
  }

  private Size defaultCropSize() {
    return new Size(224, 224, null, null, null, null);
  }

  private Resample defaultResample() {
    return switch (family) {
      case DEIT, BEIT, CLIP -> Resample.BICUBIC;
      default -> Resample.BILINEAR;
    };
  }

  private float[] defaultMean() {
    return switch (family) {
      case VIT, BEIT -> IMAGENET_STANDARD;
      case CLIP -> CLIP_MEAN;
      default -> IMAGENET_DEFAULT_MEAN;
    };
  }

  private float[] defaultStd() {
    return switch (family) {
      case VIT, BEIT -> IMAGENET_STANDARD;
      case CLIP -> CLIP_STD;
      default -> IMAGENET_DEFAULT_STD;
    };
  }

  /**
   * transformers' {@code get_size_dict}: a dictionary as it is, an integer as a square ({@code
   * square}) or a shortest edge (with the legacy {@code max_size} as the longest), a list as {@code
   * [height, width]}.
   */
  private Size size(JsonNode value, JsonNode maxSize, boolean square, Size fallback) {
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isObject()) {
      return new Size(
          integer(value, "height"),
          integer(value, "width"),
          integer(value, "shortest_edge"),
          integer(value, "longest_edge"),
          integer(value, "max_height"),
          integer(value, "max_width"));
    }
    if (value.isIntegralNumber()) {
      int side = value.asInt();
      if (square && (maxSize == null || maxSize.isNull())) {
        return new Size(side, side, null, null, null, null);
      }
      Integer longest = maxSize == null || maxSize.isNull() ? null : maxSize.asInt();
      return new Size(null, null, side, longest, null, null);
    }
    if (value.isArray() && value.size() == 2) {
      return new Size(value.get(0).asInt(), value.get(1).asInt(), null, null, null, null);
    }
    throw new IllegalArgumentException(type + ": unreadable size " + value);
  }

  private static Integer integer(JsonNode object, String key) {
    return object.hasNonNull(key) ? object.get(key).asInt() : null;
  }

  private float[] channels(JsonNode value, float[] fallback, String key) {
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isNumber()) {
      float v = value.floatValue();
      return new float[] {v, v, v};
    }
    if (value.isArray() && value.size() == 3) {
      return new float[] {
        value.get(0).floatValue(), value.get(1).floatValue(), value.get(2).floatValue()
      };
    }
    throw new IllegalArgumentException(type + ": " + key + " needs 3 values, got " + value);
  }
}
