package ai.hubbatch.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.Networks;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The whole image path in Java, engine layer aside: the sample image decoded ({@link
 * ImageDecoder}), processed ({@link ImageProcessor}), run through each tiny model's {@code
 * onnx/model.onnx} on ONNX Runtime (through hubbatch's engine layer), and post-processed; the
 * outputs equal torch's to 1e-4 and the answers equal the Python pipeline's in expected.json.
 * CLIP's texts go through its tokenizer.json with DJL's Rust tokenizers.
 */
class VisionModelsOnnxTest {

  private static final double OUTPUT_TOLERANCE = 1e-4;

  @Test
  void classifiers() throws Exception {
    for (String name : List.of("tiny-vit-classifier", "tiny-convnext-classifier")) {
      JsonNode expected = TinyModels.expected(name);
      try (Onnx model = new Onnx(name)) {
        for (JsonNode item : expected.get("cases")) {
          ProcessedImage image = model.process(item.get("image").asText());
          Map<String, float[]> outputs =
              model.run(Map.of("pixel_values", model.pixels(List.of(image))));
          assertClose(item.get("logits"), outputs.get("logits"), name);
          List<LabelScore> answer =
              ImageClassification.postprocess(
                  outputs.get("logits"), model.labels(), 5, ImageClassification.Function.SOFTMAX);
          JsonNode wanted = item.get("pipeline").get("default");
          for (int i = 0; i < answer.size(); i++) {
            assertEquals(wanted.get(i).get("label").asText(), answer.get(i).label(), name);
            assertEquals(wanted.get(i).get("score").asDouble(), answer.get(i).score(), 1e-4);
          }
        }
      }
    }
  }

  @Test
  void detrOnAPaddedBatch() throws Exception {
    JsonNode expected = TinyModels.expected("tiny-detr");
    try (Onnx model = new Onnx("tiny-detr")) {
      JsonNode padded = expected.get("padded_batch");
      List<ProcessedImage> images = new ArrayList<>();
      for (JsonNode image : padded.get("images")) {
        images.add(model.process(image.asText()));
      }
      PixelBatch batch = model.processor.batch(images);
      Map<String, float[]> outputs =
          model.run(Map.of("pixel_values", model.pixels(images), "pixel_mask", batch));
      assertClose(padded.get("logits"), outputs.get("logits"), "padded logits");
      assertClose(padded.get("pred_boxes"), outputs.get("pred_boxes"), "padded boxes");

      for (JsonNode item : expected.get("cases")) {
        ProcessedImage image = model.process(item.get("image").asText());
        PixelBatch single = model.processor.batch(List.of(image));
        Map<String, float[]> out =
            model.run(Map.of("pixel_values", model.pixels(List.of(image)), "pixel_mask", single));
        assertClose(item.get("logits"), out.get("logits"), "logits");
        List<Detection> answer =
            ObjectDetection.postprocess(
                out.get("logits"),
                out.get("pred_boxes"),
                model.labels(),
                ObjectDetection.DEFAULT_THRESHOLD,
                image.originalHeight(),
                image.originalWidth());
        JsonNode wanted = item.get("pipeline").get("default");
        assertEquals(wanted.size(), answer.size(), item.get("image").asText());
        for (int i = 0; i < answer.size(); i++) {
          JsonNode box = wanted.get(i).get("box");
          BoundingBox got = answer.get(i).box();
          assertEquals(wanted.get(i).get("label").asText(), answer.get(i).label());
          // ONNX Runtime's last bits may move a corner across an integer: one pixel at most
          assertTrue(Math.abs(box.get("xmin").asInt() - got.xmin()) <= 1, got.toString());
          assertTrue(Math.abs(box.get("ymin").asInt() - got.ymin()) <= 1, got.toString());
          assertTrue(Math.abs(box.get("xmax").asInt() - got.xmax()) <= 1, got.toString());
          assertTrue(Math.abs(box.get("ymax").asInt() - got.ymax()) <= 1, got.toString());
        }
      }
    }
  }

  @Test
  void segformer() throws Exception {
    JsonNode expected = TinyModels.expected("tiny-segformer");
    try (Onnx model = new Onnx("tiny-segformer")) {
      for (JsonNode item : expected.get("cases")) {
        ProcessedImage image = model.process(item.get("image").asText());
        Map<String, float[]> outputs =
            model.run(Map.of("pixel_values", model.pixels(List.of(image))));
        assertClose(item.get("logits"), outputs.get("logits"), "logits");
        JsonNode shape = item.get("logits_shape");
        List<LabelMask> masks =
            SemanticSegmentation.postprocess(
                outputs.get("logits"),
                shape.get(0).asInt(),
                shape.get(1).asInt(),
                shape.get(2).asInt(),
                model.labels(),
                image.originalHeight(),
                image.originalWidth());
        List<String> labels = new ArrayList<>();
        masks.forEach(m -> labels.add(m.label()));
        List<String> wanted = new ArrayList<>();
        item.get("pipeline").get("default").forEach(m -> wanted.add(m.get("label").asText()));
        assertEquals(wanted, labels, item.get("image").asText());
      }
    }
  }

  @Test
  void clipZeroShot() throws Exception {
    JsonNode expected = TinyModels.expected("tiny-clip");
    try (Onnx model = new Onnx("tiny-clip");
        TextTokenizer tokenizer =
            TextTokenizer.load(ModelFolder.open(TinyModels.folder("tiny-clip")), 16)) {
      for (JsonNode item : expected.get("cases")) {
        List<String> candidates = new ArrayList<>();
        item.get("candidate_labels").forEach(c -> candidates.add(c.asText()));
        List<String> sequences =
            ZeroShotImageClassification.sequences(
                candidates, ZeroShotImageClassification.DEFAULT_TEMPLATE);
        long[][] ids = new long[sequences.size()][];
        int longest = 0;
        for (int i = 0; i < ids.length; i++) {
          ids[i] = tokenizer.encode(sequences.get(i)).ids();
          longest = Math.max(longest, ids[i].length);
        }
        // padded with the pad token (CLIP's is the end-of-text token), as the pipeline pads
        long pad = ids[0][ids[0].length - 1];
        long[] flatIds = new long[ids.length * longest];
        long[] mask = new long[ids.length * longest];
        for (int i = 0; i < ids.length; i++) {
          for (int j = 0; j < longest; j++) {
            flatIds[i * longest + j] = j < ids[i].length ? ids[i][j] : pad;
            mask[i * longest + j] = j < ids[i].length ? 1 : 0;
          }
          long[] wanted = new long[longest];
          for (int j = 0; j < longest; j++) {
            wanted[j] = item.get("input_ids").get(i).get(j).asLong();
          }
          assertArrayEquals(
              wanted, java.util.Arrays.copyOfRange(flatIds, i * longest, (i + 1) * longest));
        }
        ProcessedImage image = model.process(item.get("image").asText());
        long[] textShape = {ids.length, longest};
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("input_ids", new LongInput(flatIds, textShape));
        inputs.put("attention_mask", new LongInput(mask, textShape));
        inputs.put("pixel_values", model.pixels(List.of(image)));
        Map<String, float[]> outputs = model.run(inputs);
        assertClose(item.get("logits_per_image"), outputs.get("logits_per_image"), "logits");
        List<LabelScore> answer =
            ZeroShotImageClassification.postprocess(outputs.get("logits_per_image"), candidates);
        JsonNode wanted = item.get("pipeline").get("default");
        for (int i = 0; i < answer.size(); i++) {
          assertEquals(wanted.get(i).get("label").asText(), answer.get(i).label());
          assertEquals(wanted.get(i).get("score").asDouble(), answer.get(i).score(), 1e-4);
        }
      }
    }
  }

  private static void assertClose(JsonNode expected, float[] actual, String what) {
    float[] wanted = PostProcessingTest.floats(expected);
    assertEquals(wanted.length, actual.length, what + ": size");
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      max = Math.max(max, Math.abs(wanted[i] - actual[i]));
    }
    assertTrue(max <= OUTPUT_TOLERANCE, what + " differ from torch's by " + max);
  }

  private record LongInput(long[] values, long[] shape) {}

  private record FloatInput(float[] values, long[] shape) {}

  /** One tiny model's onnx/model.onnx on ONNX Runtime, with its processor and labels. */
  private static final class Onnx implements AutoCloseable {
    final ImageProcessor processor;
    private final JsonNode config;
    private final Network network;
    private final NetworkSession session;

    Onnx(String name) throws Exception {
      Path folder = TinyModels.folder(name);
      processor = ImageProcessor.read(folder.resolve("preprocessor_config.json"));
      config = Json.MAPPER.readTree(folder.resolve("config.json").toFile());
      network =
          Networks.onnx(folder.resolve("onnx").resolve("model.onnx"), EngineSettings.defaults());
      session = network.newSession();
    }

    ProcessedImage process(String sample) {
      return processor.process(ImageDecoder.defaults().decode(TestImages.sample(sample)));
    }

    FloatInput pixels(List<ProcessedImage> images) {
      PixelBatch batch = processor.batch(images);
      return new FloatInput(batch.pixelValues(), batch.shape());
    }

    IntFunction<String> labels() {
      return i -> config.get("id2label").get(String.valueOf(i)).asText();
    }

    Map<String, float[]> run(Map<String, Object> inputs) {
      Map<String, HostTensor> values = new HashMap<>();
      for (Map.Entry<String, Object> input : inputs.entrySet()) {
        HostTensor value;
        if (input.getValue() instanceof FloatInput f) {
          value = HostTensor.ofFloats(f.values(), f.shape());
        } else if (input.getValue() instanceof LongInput l) {
          value = HostTensor.ofLongs(l.values(), l.shape());
        } else {
          PixelBatch batch = (PixelBatch) input.getValue();
          value =
              HostTensor.ofLongs(batch.pixelMask(), batch.size(), batch.height(), batch.width());
        }
        values.put(input.getKey(), value);
      }
      Map<String, float[]> result = new HashMap<>();
      try (Outputs outputs = session.run(values)) {
        for (String name : outputs.names()) {
          result.put(name, outputs.read(name).data());
        }
      }
      return result;
    }

    @Override
    public void close() {
      session.close();
      network.close();
    }
  }
}
