package ai.hubbatch.model.vision;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.image.ImageDecoder;
import ai.hubbatch.model.image.ImageProcessor;
import ai.hubbatch.model.image.LabelMask;
import ai.hubbatch.model.image.SemanticSegmentation;
import ai.hubbatch.model.stage.BatchRow;
import ai.hubbatch.model.task.Labels;
import ai.hubbatch.model.task.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code image-segmentation} for semantic segmenters (Segformer and others whose {@code logits} are
 * {@code [labels, height, width]}): transformers' {@code ImageSegmentationPipeline} with {@code
 * post_process_semantic_segmentation}. One image gives one {@code {"score": null, "label", "mask"}}
 * per label present, in label order, the mask a base64 PNG of mode L (255 in the segment, 0 out) at
 * the original size.
 *
 * <p>Parameters: {@code subtask} ({@code semantic}, or none), and the pipeline's {@code threshold},
 * {@code mask_threshold} and {@code overlap_mask_area_threshold}, which semantic segmentation
 * ignores, as the pipeline does. Instance and panoptic segmentation (DETR's segmentation head,
 * Mask2Former) are refused when the model loads.
 */
final class ImageSegmentationTask extends ImageTask<Void> {

  static final String NAME = "image-segmentation";

  private final Labels labels;

  ImageSegmentationTask(
      VisionStage stage, ImageDecoder decoder, ImageProcessor processor, Labels labels) {
    super(
        NAME,
        stage,
        decoder,
        processor,
        Set.of("subtask", "threshold", "mask_threshold", "overlap_mask_area_threshold"));
    this.labels = labels;
  }

  @Override
  Void parameters(Parameters parameters) {
    String subtask = parameters.string("subtask", null);
    if (subtask != null && !subtask.equals("semantic")) {
      throw new InvalidRequestException(
          "Subtask " + subtask + " is not supported for this model: it segments semantically");
    }
    // Checked for their type, then ignored: semantic segmentation has no thresholds.
    parameters.number("threshold", 0);
    parameters.number("mask_threshold", 0);
    parameters.number("overlap_mask_area_threshold", 0);
    return null;
  }

  @Override
  JsonNode answer(Void parameters, BatchRow output, Size original) {
    int logits = output.indexOf("logits", 0);
    long[] shape = output.rowShape(logits);
    if (shape.length != 3) {
      throw new IllegalStateException(
          "Expected logits of [labels, height, width] per image, got " + Arrays.toString(shape));
    }
    ArrayNode answer = JsonNodeFactory.instance.arrayNode();
    for (LabelMask mask :
        SemanticSegmentation.postprocess(
            output.row(logits),
            (int) shape[0],
            (int) shape[1],
            (int) shape[2],
            labels::name,
            original.height(),
            original.width())) {
      ObjectNode entry = answer.addObject();
      entry.putNull("score");
      entry.put("label", mask.label()).put("mask", mask.maskBase64());
    }
    return answer;
  }
}
