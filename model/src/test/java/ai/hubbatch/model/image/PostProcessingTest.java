package ai.hubbatch.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The post-processing functions against the pipeline answers scripts/tiny-models/vision.py computed
 * from each tiny model's torch outputs, following transformers' pipelines.
 */
class PostProcessingTest {

  private static final double SCORE_TOLERANCE = 1e-6;

  @ParameterizedTest
  @ValueSource(strings = {"tiny-vit-classifier", "tiny-convnext-classifier"})
  void imageClassification(String model) {
    JsonNode expected = TinyModels.expected(model);
    IntFunction<String> labels = labels(model);
    for (JsonNode item : expected.get("cases")) {
      float[] logits = floats(item.get("logits"));
      JsonNode pipeline = item.get("pipeline");
      assertSameScores(
          pipeline.get("default"),
          ImageClassification.postprocess(
              logits,
              labels,
              ImageClassification.DEFAULT_TOP_K,
              ImageClassification.Function.defaultFor("", logits.length)));
      assertSameScores(
          pipeline.get("top_k=2"),
          ImageClassification.postprocess(logits, labels, 2, ImageClassification.Function.SOFTMAX));
      assertSameScores(
          pipeline.get("function_to_apply=sigmoid"),
          ImageClassification.postprocess(
              logits, labels, 5, ImageClassification.Function.parse("sigmoid")));
      assertSameScores(
          pipeline.get("function_to_apply=none,top_k=10"),
          ImageClassification.postprocess(
              logits, labels, 10, ImageClassification.Function.parse("none")));
    }
  }

  @Test
  void objectDetection() {
    JsonNode expected = TinyModels.expected("tiny-detr");
    IntFunction<String> labels = labels("tiny-detr");
    int detections = 0;
    for (JsonNode item : expected.get("cases")) {
      float[] logits = floats(item.get("logits"));
      float[] boxes = floats(item.get("pred_boxes"));
      int height = item.get("original_size").get(0).asInt();
      int width = item.get("original_size").get(1).asInt();
      for (Map.Entry<String, Double> run :
          Map.of(
                  "default", ObjectDetection.DEFAULT_THRESHOLD,
                  "threshold=0.9", 0.9,
                  "threshold=0.0", 0.0)
              .entrySet()) {
        List<Detection> actual =
            ObjectDetection.postprocess(logits, boxes, labels, run.getValue(), height, width);
        JsonNode wanted = item.get("pipeline").get(run.getKey());
        String where = item.get("image").asText() + " " + run.getKey();
        assertEquals(wanted.size(), actual.size(), where + ": detections");
        for (int i = 0; i < actual.size(); i++) {
          JsonNode box = wanted.get(i).get("box");
          assertEquals(wanted.get(i).get("label").asText(), actual.get(i).label(), where);
          assertEquals(wanted.get(i).get("score").asDouble(), actual.get(i).score(), 1e-6, where);
          assertEquals(
              new BoundingBox(
                  box.get("xmin").asInt(),
                  box.get("ymin").asInt(),
                  box.get("xmax").asInt(),
                  box.get("ymax").asInt()),
              actual.get(i).box(),
              where);
        }
        detections += actual.size();
      }
    }
    assertTrue(detections > 10, "the cases exercise real detections: " + detections);
  }

  @Test
  void semanticSegmentation() {
    JsonNode expected = TinyModels.expected("tiny-segformer");
    IntFunction<String> labels = labels("tiny-segformer");
    for (JsonNode item : expected.get("cases")) {
      float[] logits = floats(item.get("logits"));
      JsonNode shape = item.get("logits_shape");
      int labelCount = shape.get(0).asInt();
      int h = shape.get(1).asInt();
      int w = shape.get(2).asInt();
      int height = item.get("original_size").get(0).asInt();
      int width = item.get("original_size").get(1).asInt();
      List<LabelMask> masks =
          SemanticSegmentation.postprocess(logits, labelCount, h, w, labels, height, width);
      JsonNode wanted = item.get("pipeline").get("default");
      String image = item.get("image").asText();
      assertEquals(wanted.size(), masks.size(), image + ": masks");
      BilinearUpsampler upsampler = new BilinearUpsampler(logits, labelCount, h, w, height, width);
      float[] values = new float[labelCount];
      int nearTies = 0;
      for (int i = 0; i < masks.size(); i++) {
        assertEquals(wanted.get(i).get("label").asText(), masks.get(i).label(), image);
        assertEquals(null, masks.get(i).score());
        int[] ours = grayPixels(masks.get(i).png(), width, height);
        int[] pillow =
            grayPixels(
                Base64.getDecoder().decode(wanted.get(i).get("mask").asText()), width, height);
        for (int p = 0; p < ours.length; p++) {
          assertTrue(ours[p] == 0 || ours[p] == 255, "mask values are 0 or 255");
          if (ours[p] != pillow[p]) {
            // only where torch's last-bit rounding could decide: the two best within 1e-5
            upsampler.valuesAt(p % width, p / width, values);
            float[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            float margin = sorted[labelCount - 1] - sorted[labelCount - 2];
            assertTrue(margin < 1e-5, image + " pixel " + p + " differs with margin " + margin);
            nearTies++;
          }
        }
      }
      assertTrue(nearTies <= 4, image + ": " + nearTies + " near-tie pixels differ");
    }
  }

  @Test
  void zeroShotImageClassification() {
    JsonNode expected = TinyModels.expected("tiny-clip");
    for (JsonNode item : expected.get("cases")) {
      List<String> candidates = strings(item.get("candidate_labels"));
      assertEquals(
          strings(item.get("sequences")),
          ZeroShotImageClassification.sequences(
              candidates, ZeroShotImageClassification.DEFAULT_TEMPLATE));
      List<LabelScore> actual =
          ZeroShotImageClassification.postprocess(floats(item.get("logits_per_image")), candidates);
      assertSameScores(item.get("pipeline").get("default"), actual);
    }
  }

  private static void assertSameScores(JsonNode expected, List<LabelScore> actual) {
    assertEquals(expected.size(), actual.size(), "entries");
    for (int i = 0; i < actual.size(); i++) {
      assertEquals(expected.get(i).get("label").asText(), actual.get(i).label(), "rank " + i);
      assertEquals(
          expected.get(i).get("score").asDouble(),
          actual.get(i).score(),
          SCORE_TOLERANCE * Math.max(1, Math.abs(actual.get(i).score())),
          "rank " + i);
    }
  }

  private static int[] grayPixels(byte[] png, int width, int height) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      Raster raster = image.getRaster();
      assertEquals(1, raster.getNumBands(), "mode L");
      assertEquals(8, raster.getSampleModel().getSampleSize(0), "8-bit");
      assertEquals(width, raster.getWidth());
      assertEquals(height, raster.getHeight());
      return raster.getSamples(0, 0, width, height, 0, (int[]) null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IntFunction<String> labels(String model) {
    JsonNode id2label = TinyModels.expected(model).has("cases") ? config(model) : null;
    return i -> id2label.get(String.valueOf(i)).asText();
  }

  private static JsonNode config(String model) {
    try {
      return ai.hubbatch.model.codec.Json.MAPPER
          .readTree(TinyModels.folder(model).resolve("config.json").toFile())
          .get("id2label");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The numbers of a JSON array, nested arrays flattened row by row. */
  static float[] floats(JsonNode array) {
    List<Float> values = new ArrayList<>();
    flatten(array, values);
    float[] result = new float[values.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = values.get(i);
    }
    return result;
  }

  private static void flatten(JsonNode node, List<Float> into) {
    if (node.isArray()) {
      node.forEach(child -> flatten(child, into));
    } else {
      into.add(node.floatValue());
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
