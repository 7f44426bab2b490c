package ai.hubbatch.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ImageProcessor} against transformers' slow image processors as
 * scripts/tiny-models/vision.py re-implements them in numpy and Pillow: for each configuration of
 * images/processed/ and each image, the same shape and the same float32 bytes (sha256), and where
 * the values are stored, each within 1e-6.
 */
class ImageProcessorTest {

  static Stream<String> processors() {
    return Stream.of(
        "tiny-vit-classifier",
        "tiny-convnext-classifier",
        "tiny-detr",
        "tiny-segformer",
        "tiny-clip",
        "deit",
        "beit",
        "vit-legacy-int-size",
        "clip-legacy-int-size",
        "clip-crop-larger-than-image",
        "convnext-warp-384",
        "detr-legacy-max-size",
        "yolos",
        "lanczos-no-rescale");
  }

  @ParameterizedTest
  @MethodSource("processors")
  void pixelValuesEqualPython(String name) throws IOException {
    JsonNode reference = Json.MAPPER.readTree(TestImages.resource("processed/" + name + ".json"));
    ImageProcessor processor = ImageProcessor.fromConfig(reference.get("config"));
    float[] stored = storedValues(name);
    for (JsonNode expected : reference.get("cases")) {
      String image = expected.get("image").asText();
      ProcessedImage processed =
          processor.process(ImageDecoder.defaults().decode(TestImages.sample(image)));
      String where = name + " on " + image;
      assertArrayEquals(
          new int[] {3, processed.height(), processed.width()},
          ints(expected.get("shape")),
          where + ": shape");
      assertArrayEquals(
          new int[] {processed.originalHeight(), processed.originalWidth()},
          ints(expected.get("original_size")),
          where + ": original size");
      if (expected.has("offset")) {
        int offset = expected.get("offset").asInt();
        float[] values = processed.pixelValues();
        double max = 0;
        for (int i = 0; i < values.length; i++) {
          max = Math.max(max, Math.abs(values[i] - stored[offset + i]));
        }
        assertTrue(max <= 1e-6, where + ": values differ by up to " + max);
      }
      assertEquals(
          expected.get("sha256").asText(), sha256(processed.pixelValues()), where + ": bytes");
    }
  }

  @Test
  void detrPadsABatchAndMasksThePadding() {
    ImageProcessor detr = processor("tiny-detr");
    ProcessedImage portrait =
        detr.process(ImageDecoder.defaults().decode(TestImages.sample("jpeg-baseline.jpg")));
    ProcessedImage landscape =
        detr.process(ImageDecoder.defaults().decode(TestImages.sample("png-rgb.png")));
    PixelBatch batch = detr.batch(List.of(portrait, landscape));
    JsonNode expected = TinyModels.expected("tiny-detr").get("padded_batch");
    assertArrayEquals(longs(expected.get("pixel_values_shape")), batch.shape());
    long[] maskSums = new long[2];
    int plane = batch.height() * batch.width();
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < plane; i++) {
        maskSums[n] += batch.pixelMask()[n * plane + i];
      }
    }
    assertArrayEquals(longs(expected.get("pixel_mask_sum")), maskSums);
    // each image sits at the top left of its slot: zeros right of the portrait one (32 of 42
    // wide) and below the landscape one (32 of 38 high)
    assertEquals(portrait.pixelValues()[31], batch.pixelValues()[31]);
    assertEquals(0f, batch.pixelValues()[portrait.width()]);
    int landscapeStart = 3 * batch.height() * batch.width();
    assertEquals(landscape.pixelValues()[0], batch.pixelValues()[landscapeStart]);
    assertEquals(0f, batch.pixelValues()[landscapeStart + landscape.height() * batch.width()]);
  }

  @Test
  void processorsThatDoNotPadRefuseMixedSizes() {
    ImageProcessor clip = processor("tiny-clip");
    assertNull(clip.batch(List.of(process(clip, "png-rgb.png"))).pixelMask());
    ImageProcessor vitLegacy =
        ImageProcessor.fromConfig(
            Json.MAPPER
                .createObjectNode()
                .put("image_processor_type", "ViTImageProcessor")
                .set("size", Json.MAPPER.createObjectNode().put("shortest_edge", 20)));
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                vitLegacy.batch(
                    List.of(process(vitLegacy, "png-rgb.png"), process(vitLegacy, "bmp-rgb.bmp"))));
    assertTrue(error.getMessage().contains("different sizes"), error.getMessage());
  }

  @Test
  void refusesStepsItDoesNotImplement() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ImageProcessor.fromConfig(
                    Json.MAPPER
                        .createObjectNode()
                        .put("image_processor_type", "MobileViTImageProcessor")
                        .put("do_flip_channel_order", true)));
    assertTrue(error.getMessage().contains("do_flip_channel_order"), error.getMessage());
  }

  private static ProcessedImage process(ImageProcessor processor, String sample) {
    return processor.process(ImageDecoder.defaults().decode(TestImages.sample(sample)));
  }

  private static ImageProcessor processor(String model) {
    try {
      return ImageProcessor.read(TinyModels.folder(model).resolve("preprocessor_config.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float[] storedValues(String name) throws IOException {
    byte[] bytes;
    try {
      bytes = TestImages.resource("processed/" + name + ".f32.gz");
    } catch (IllegalStateException e) {
      return new float[0]; // only the large cases: checked by their sha256
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      ByteBuffer buffer = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[buffer.remaining() / 4];
      buffer.asFloatBuffer().get(values);
      return values;
    }
  }

  static String sha256(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buffer.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }

  private static long[] longs(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asLong();
    }
    return values;
  }
}
