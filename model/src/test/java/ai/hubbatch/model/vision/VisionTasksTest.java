package ai.hubbatch.model.vision;

import static ai.hubbatch.model.vision.VisionSamples.base64;
import static ai.hubbatch.model.vision.VisionSamples.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four vision tasks end to end through {@link BatchPredictor}, as the pipeline and the server
 * run them: base64 requests of the sample images, decoded, processed, run on each tiny model's ONNX
 * graph in batches shared across requests, post-processed; every answer equals the Python
 * pipeline's in the model's expected.json (scores to 1e-4, boxes to a pixel, masks pixel by pixel).
 */
class VisionTasksTest {

  private static final double SCORE = 1e-4;

  @Test
  void imageClassificationAnswersAsThePythonPipeline() throws IOException {
    for (String model : List.of("tiny-vit-classifier", "tiny-convnext-classifier")) {
      JsonNode expected = TinyModels.expected(model);
      List<String> bodies = new ArrayList<>();
      List<JsonNode> wanted = new ArrayList<>();
      for (JsonNode item : expected.get("cases")) {
        String image = item.get("image").asText();
        JsonNode pipeline = item.get("pipeline");
        bodies.add(body(image));
        wanted.add(pipeline.get("default"));
        bodies.add(body(image, p -> p.put("top_k", 2)));
        wanted.add(pipeline.get("top_k=2"));
        bodies.add(body(image, p -> p.put("function_to_apply", "sigmoid")));
        wanted.add(pipeline.get("function_to_apply=sigmoid"));
        bodies.add(body(image, p -> p.put("function_to_apply", "none").put("top_k", 10)));
        wanted.add(pipeline.get("function_to_apply=none,top_k=10"));
      }
      // the task inferred from ViTForImageClassification / ConvNextForImageClassification
      List<JsonNode> answers = TinyModels.run(model, null, null, bodies.toArray(String[]::new));
      for (int i = 0; i < answers.size(); i++) {
        assertSameEntries(wanted.get(i), answers.get(i), model + " request " + i);
      }
    }
  }

  @Test
  void objectDetectionAnswersAsThePythonPipeline() throws IOException {
    JsonNode expected = TinyModels.expected("tiny-detr");
    List<String> bodies = new ArrayList<>();
    List<JsonNode> wanted = new ArrayList<>();
    int detections = 0;
    for (JsonNode item : expected.get("cases")) {
      String image = item.get("image").asText();
      for (String threshold : List.of("default", "threshold=0.9", "threshold=0.0")) {
        bodies.add(
            threshold.equals("default")
                ? body(image)
                : body(
                    image, p -> p.put("threshold", Double.parseDouble(threshold.substring(10)))));
        wanted.add(item.get("pipeline").get(threshold));
        detections += item.get("pipeline").get(threshold).size();
      }
    }
    assertTrue(detections > 20, "the cases detect objects: " + detections);
    List<JsonNode> answers =
        TinyModels.run("tiny-detr", "object-detection", null, bodies.toArray(String[]::new));
    for (int i = 0; i < answers.size(); i++) {
      assertSameDetections(wanted.get(i), answers.get(i), "request " + i);
    }
  }

  /**
   * DETR's processor pads: landscape images of two sizes share one batch, padded, with the pixel
   * mask, and answer as each image alone does.
   */
  @Test
  void detrImagesOfDifferentSizesSharePaddedBatches() throws IOException {
    List<BatchReport> batches = new ArrayList<>();
    String pair =
        "{\"inputs\":[\""
            + base64(VisionSamples.sample("png-rgb.png"))
            + "\",\""
            + base64(VisionSamples.sample("bmp-rgb.bmp"))
            + "\"],\"parameters\":{\"threshold\":0.0}}";
    JsonNode together;
    try (LoadedModel model = TinyModels.load("tiny-detr", "object-detection", null);
        BatchPredictor predictor = model.newPredictor(new BatchLimits(8, 1 << 20), batches::add)) {
      together = predictor.complete(List.of(predictor.prepare(pair))).get(0).response();
    }
    assertEquals(1, batches.size(), "one engine call for both images");
    BatchReport batch = batches.get(0);
    assertEquals(32 * 42 + 32 * 48, batch.realCost());
    assertEquals(2 * 32 * 48, batch.paddedCost(), "padded to the larger image");
    List<JsonNode> alone =
        TinyModels.run(
            "tiny-detr",
            "object-detection",
            null,
            body("png-rgb.png", p -> p.put("threshold", 0.0)),
            body("bmp-rgb.bmp", p -> p.put("threshold", 0.0)));
    assertSameDetections(alone.get(0), together.get(0), "png-rgb.png");
    assertSameDetections(alone.get(1), together.get(1), "bmp-rgb.bmp");
  }

  @Test
  void semanticSegmentationAnswersAsThePythonPipeline() throws IOException {
    JsonNode expected = TinyModels.expected("tiny-segformer");
    List<String> bodies = new ArrayList<>();
    for (JsonNode item : expected.get("cases")) {
      bodies.add(body(item.get("image").asText()));
    }
    List<JsonNode> answers =
        TinyModels.run("tiny-segformer", null, null, bodies.toArray(String[]::new));
    for (int c = 0; c < answers.size(); c++) {
      JsonNode item = expected.get("cases").get(c);
      JsonNode wanted = item.get("pipeline").get("default");
      JsonNode answer = answers.get(c);
      int height = item.get("original_size").get(0).asInt();
      int width = item.get("original_size").get(1).asInt();
      assertEquals(wanted.size(), answer.size(), "masks");
      int differing = 0;
      for (int i = 0; i < answer.size(); i++) {
        assertEquals(List.of("score", "label", "mask"), keys(answer.get(i)));
        assertTrue(answer.get(i).get("score").isNull());
        assertEquals(wanted.get(i).get("label").asText(), answer.get(i).get("label").asText());
        int[] ours = gray(answer.get(i).get("mask").asText(), width, height);
        int[] pillow = gray(wanted.get(i).get("mask").asText(), width, height);
        for (int p = 0; p < ours.length; p++) {
          assertTrue(ours[p] == 0 || ours[p] == 255, "mode L, 0 or 255");
          differing += ours[p] != pillow[p] ? 1 : 0;
        }
      }
      // ONNX Runtime's logits are torch's to 1e-5: a pixel whose two best labels are that close
      // may change label (each such pixel differs in two masks); none other does.
      assertTrue(differing <= 4, item.get("image") + ": " + differing + " mask pixels differ");
    }
  }

  @Test
  void zeroShotClassificationAnswersAsThePythonPipeline() throws IOException {
    JsonNode expected = TinyModels.expected("tiny-clip");
    List<String> bodies = new ArrayList<>();
    List<JsonNode> wanted = new ArrayList<>();
    for (JsonNode item : expected.get("cases")) {
      String image = item.get("image").asText();
      List<String> labels = new ArrayList<>();
      item.get("candidate_labels").forEach(label -> labels.add(label.asText()));
      bodies.add(body(image, p -> p.set("candidate_labels", item.get("candidate_labels"))));
      wanted.add(item.get("pipeline").get("default"));
      // a comma-separated string, and the default template said out loud
      bodies.add(
          body(
              image,
              p ->
                  p.put("candidate_labels", String.join(", ", labels))
                      .put("hypothesis_template", "This is a photo of {}.")));
      wanted.add(item.get("pipeline").get("default"));
    }
    List<BatchReport> batches = new ArrayList<>();
    List<Outcome> outcomes = outcomes("tiny-clip", null, batches, bodies);
    for (int i = 0; i < outcomes.size(); i++) {
      assertSameEntries(wanted.get(i), outcomes.get(i).response(), "request " + i);
    }
    assertEquals(2, batches.size(), "one engine call per label set");
  }

  /**
   * The same model as CLIP's two towers: text embeddings once per label set, logits from the
   * weights' logit_scale, every image in one batch.
   */
  @Test
  void zeroShotOnSplitTowersAnswersAsTheWholeGraph(@TempDir Path dir) throws IOException {
    Path clip = TinyModels.folder("tiny-clip");
    for (String file :
        List.of(
            "config.json",
            "preprocessor_config.json",
            "tokenizer.json",
            "tokenizer_config.json",
            "onnx/text_model.onnx",
            "onnx/vision_model.onnx")) {
      Files.createDirectories(dir.resolve(file).getParent());
      Files.copy(clip.resolve(file), dir.resolve(file));
    }
    // The weights' logit_scale, the generator's parameter: a one-tensor safetensors file.
    byte[] header =
        "{\"logit_scale\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}"
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer weights = ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    weights.putLong(header.length).put(header).putFloat(2.6592f);
    Files.write(dir.resolve("model.safetensors"), weights.array());

    JsonNode expected = TinyModels.expected("tiny-clip");
    List<String> bodies = new ArrayList<>();
    for (JsonNode item : expected.get("cases")) {
      bodies.add(
          body(
              item.get("image").asText(),
              p -> p.set("candidate_labels", item.get("candidate_labels"))));
    }
    List<BatchReport> batches = new ArrayList<>();
    List<Outcome> outcomes;
    try (LoadedModel model =
            LoadedModel.load(new ModelSpec(dir.toString(), null, null, EngineSettings.defaults()));
        BatchPredictor predictor = model.newPredictor(new BatchLimits(8, 1 << 20), batches::add)) {
      assertTrue(model.describe().contains("zero-shot-image-classification"), model.describe());
      List<PendingRequest> pending = new ArrayList<>();
      bodies.forEach(body -> pending.add(predictor.prepare(body)));
      outcomes = predictor.complete(pending);
    }
    for (int i = 0; i < outcomes.size(); i++) {
      assertSameEntries(
          expected.get("cases").get(i).get("pipeline").get("default"),
          outcomes.get(i).response(),
          "case " + i);
    }
    assertEquals(1, batches.size(), "images of different label sets share the vision tower");

    Files.delete(dir.resolve("model.safetensors"));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LoadedModel.load(
                    new ModelSpec(dir.toString(), null, null, EngineSettings.defaults())));
    assertTrue(missing.getMessage().contains("logit_scale"), missing.getMessage());
  }

  @Test
  void listsOfImagesGetListsOfAnswers() throws IOException {
    String list =
        "{\"inputs\":[\""
            + base64(VisionSamples.sample("jpeg-baseline.jpg"))
            + "\",{\"image\":\""
            + base64(VisionSamples.sample("png-rgb.png"))
            + "\"}],\"parameters\":{\"top_k\":2}}";
    List<JsonNode> answers =
        TinyModels.run(
            "tiny-vit-classifier",
            "image-classification",
            null,
            list,
            body("jpeg-baseline.jpg", p -> p.put("top_k", 2)),
            "{\"image\":\"" + base64(VisionSamples.sample("png-rgb.png")) + "\"}",
            "{\"inputs\":[]}");
    assertEquals(2, answers.get(0).size());
    assertEquals(answers.get(1), answers.get(0).get(0));
    assertEquals(2, answers.get(0).get(1).size());
    assertEquals(answers.get(0).get(1).get(0).get("label"), answers.get(2).get(0).get("label"));
    assertEquals(Json.MAPPER.createArrayNode(), answers.get(3));
  }

  private static List<Outcome> outcomes(
      String model, String task, List<BatchReport> batches, List<String> bodies)
      throws IOException {
    try (LoadedModel loaded = TinyModels.load(model, task, null);
        BatchPredictor predictor = loaded.newPredictor(new BatchLimits(8, 1 << 20), batches::add)) {
      List<PendingRequest> pending = new ArrayList<>();
      bodies.forEach(body -> pending.add(predictor.prepare(body)));
      return predictor.complete(pending);
    }
  }

  static void assertSameEntries(JsonNode expected, JsonNode actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": entries");
    for (int i = 0; i < actual.size(); i++) {
      assertEquals(keys(expected.get(i)), keys(actual.get(i)), what + ": field order");
      assertEquals(
          expected.get(i).get("label").asText(), actual.get(i).get("label").asText(), what);
      assertEquals(
          expected.get(i).get("score").asDouble(),
          actual.get(i).get("score").asDouble(),
          SCORE * Math.max(1, Math.abs(expected.get(i).get("score").asDouble())),
          what + " rank " + i);
    }
  }

  static void assertSameDetections(JsonNode expected, JsonNode actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": detections");
    for (int i = 0; i < actual.size(); i++) {
      JsonNode want = expected.get(i);
      JsonNode got = actual.get(i);
      assertEquals(List.of("score", "label", "box"), keys(got), what);
      assertEquals(want.get("label").asText(), got.get("label").asText(), what);
      assertEquals(want.get("score").asDouble(), got.get("score").asDouble(), SCORE, what);
      assertEquals(List.of("xmin", "ymin", "xmax", "ymax"), keys(got.get("box")), what);
      for (Iterator<Map.Entry<String, JsonNode>> it = want.get("box").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> corner = it.next();
        int delta =
            Math.abs(corner.getValue().asInt() - got.get("box").get(corner.getKey()).asInt());
        // the engines' last bits may move a corner across an integer: one pixel at most
        assertTrue(delta <= 1, what + " " + corner.getKey() + ": " + got.get("box"));
      }
    }
  }

  static List<String> keys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static int[] gray(String base64Png, int width, int height) {
    try {
      BufferedImage image =
          ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64Png)));
      assertEquals(1, image.getRaster().getNumBands(), "mode L");
      assertEquals(width, image.getWidth());
      assertEquals(height, image.getHeight());
      return image.getRaster().getSamples(0, 0, width, height, 0, (int[]) null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
