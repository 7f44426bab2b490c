package ai.hubbatch.model.vision;

import static ai.hubbatch.model.vision.VisionSamples.base64;
import static ai.hubbatch.model.vision.VisionSamples.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.MediaLimits;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the vision tasks refuse, each request alone: URLs, text that is not base64, bytes that are
 * no image (truncated, empty, text), an image over the pixel limit, parameters the task does not
 * take, models the task cannot post-process. Good requests prepared and run in the same call still
 * get their answers.
 */
class VisionInputsTest {

  private static final String CLASSIFIER = "tiny-vit-classifier";

  @Test
  void badImagesFailAloneWithReasons() throws IOException {
    List<InferenceRequest> requests =
        List.of(
            InferenceRequest.media(VisionSamples.sample("jpeg-baseline.jpg")),
            InferenceRequest.media(VisionSamples.bad("truncated.jpg")),
            InferenceRequest.media(VisionSamples.bad("empty.jpg")),
            InferenceRequest.media(VisionSamples.bad("bomb.png")),
            InferenceRequest.media(VisionSamples.bad("text.jpg")),
            InferenceRequest.parse("{\"inputs\":\"this is not base64!\"}"),
            InferenceRequest.parse("{\"inputs\":\"https://example.com/cat.jpg\"}"),
            InferenceRequest.parse("{\"inputs\":\"s3://bucket/cat.jpg\"}"),
            InferenceRequest.parse("{\"inputs\":\"/data/images/cat.jpg\"}"),
            InferenceRequest.parse("{\"inputs\":42}"),
            InferenceRequest.parse(
                "{\"inputs\":[\""
                    + base64(VisionSamples.sample("png-rgb.png"))
                    + "\",\""
                    + base64(VisionSamples.bad("truncated.jpg"))
                    + "\"]}"),
            InferenceRequest.parse(
                "{\"inputs\":\"data:image/png;base64,"
                    + base64(VisionSamples.sample("png-rgb.png"))
                    + "\"}"),
            InferenceRequest.media(VisionSamples.sample("png-rgb.png")));
    List<Outcome> outcomes = run(MediaLimits.defaults(), requests);
    assertTrue(outcomes.get(0).isSuccess());
    assertReason(outcomes.get(1), "the JPEG image is truncated");
    assertReason(outcomes.get(2), "the image is empty (0 bytes)");
    assertReason(
        outcomes.get(3),
        "the PNG image is 100000x100000 = 10000000000 pixels, more than the limit of 89478485");
    assertReason(outcomes.get(4), "not an image but text");
    assertReason(outcomes.get(5), "image-classification: inputs is not an image in base64");
    assertReason(
        outcomes.get(6),
        "image-classification: inputs is a URL (https://example.com/cat.jpg); hubbatch does not"
            + " fetch URLs");
    assertReason(outcomes.get(7), "image-classification: inputs is a URL (s3://bucket/cat.jpg)");
    assertReason(outcomes.get(8), "hubbatch does not read files named in records");
    assertReason(
        outcomes.get(9),
        "image-classification expects \"inputs\" to be an image in base64, {\"image\": <base64>},"
            + " or a list of those, but inputs is a number");
    assertReason(outcomes.get(10), "inputs[1]: the JPEG image is truncated");
    assertTrue(outcomes.get(11).isSuccess(), outcomes.get(11).toString());
    assertEquals(outcomes.get(12).response(), outcomes.get(11).response(), "data URLs decode");
  }

  @Test
  void thePixelLimitIsTheJobsToRaiseOrLower() throws IOException {
    InferenceRequest image = InferenceRequest.media(VisionSamples.sample("jpeg-baseline.jpg"));
    Outcome lowered = run(new MediaLimits(120 * 145 - 1), List.of(image)).get(0);
    assertReason(lowered, "the JPEG image is 120x145 = 17400 pixels, more than the limit of 17399");
    assertTrue(run(new MediaLimits(120 * 145), List.of(image)).get(0).isSuccess());
  }

  @Test
  void parametersTheTaskDoesNotTakeAreNamedWithThoseItTakes() throws IOException {
    List<Outcome> outcomes =
        TinyModels.outcomes(
            CLASSIFIER,
            null,
            null,
            body("png-rgb.png", p -> p.put("topk", 2)),
            body("png-rgb.png", p -> p.put("top_k", 0)),
            body("png-rgb.png", p -> p.put("function_to_apply", "relu")),
            body("png-rgb.png", p -> p.put("timeout", 3.0)));
    assertReason(
        outcomes.get(0),
        "image-classification does not take the parameter \"topk\"; it takes [batch_size,"
            + " function_to_apply, num_workers, padding, timeout, top_k, truncation]");
    assertReason(outcomes.get(1), "image-classification: \"top_k\" must be at least 1, got 0");
    assertReason(
        outcomes.get(2),
        "image-classification: function_to_apply must be softmax, sigmoid or none, got \"relu\"");
    assertTrue(outcomes.get(3).isSuccess(), "timeout is taken and ignored");

    List<Outcome> zeroShot =
        TinyModels.outcomes(
            "tiny-clip",
            null,
            null,
            body("png-rgb.png"),
            body("png-rgb.png", p -> p.put("candidate_labels", "cat").put("top_k", 1)),
            body(
                "png-rgb.png",
                p -> p.put("candidate_labels", "cat").put("hypothesis_template", "no slot")));
    assertReason(
        zeroShot.get(0),
        "zero-shot-image-classification needs \"candidate_labels\" in \"parameters\"");
    assertReason(zeroShot.get(1), "does not take the parameter \"top_k\"");
    assertReason(zeroShot.get(2), "was not able to be formatted with the target labels");

    List<Outcome> segmentation =
        TinyModels.outcomes(
            "tiny-segformer", null, null, body("png-rgb.png", p -> p.put("subtask", "panoptic")));
    assertReason(segmentation.get(0), "Subtask panoptic is not supported for this model");
  }

  @Test
  void modelsATaskCannotPostProcessAreRefusedWhenTheyLoad() {
    IllegalArgumentException detection =
        assertThrows(
            IllegalArgumentException.class,
            () -> TinyModels.load(CLASSIFIER, "object-detection", null));
    assertTrue(
        detection.getMessage().contains("is a vit model, whose post-processing hubbatch does not"),
        detection.getMessage());
    IllegalArgumentException torch =
        assertThrows(
            IllegalArgumentException.class,
            () -> TinyModels.load(CLASSIFIER, "image-classification", "pytorch"));
    assertTrue(
        torch.getMessage().contains("has no TorchScript (*.pt) weights"), torch.getMessage());
    IllegalArgumentException text =
        assertThrows(
            IllegalArgumentException.class,
            () -> TinyModels.load("tiny-bert-sentiment", "image-classification", null));
    assertTrue(text.getMessage().contains("has no preprocessor_config.json"), text.getMessage());
  }

  private static List<Outcome> run(MediaLimits limits, List<InferenceRequest> requests)
      throws IOException {
    ModelSpec spec =
        new ModelSpec(
                TinyModels.folder(CLASSIFIER).toString(), null, null, EngineSettings.defaults())
            .withMedia(limits);
    try (LoadedModel model = LoadedModel.load(spec);
        BatchPredictor predictor =
            model.newPredictor(new BatchLimits(4, 1 << 20), InferenceListener.NONE)) {
      List<PendingRequest> pending = new ArrayList<>();
      requests.forEach(request -> pending.add(predictor.prepare(request)));
      return predictor.complete(pending);
    }
  }

  private static void assertReason(Outcome outcome, String start) {
    assertTrue(!outcome.isSuccess(), "expected a failure: " + outcome);
    assertTrue(outcome.error().contains(start), outcome.error());
  }
}
