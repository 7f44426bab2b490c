package ai.hubbatch.model.vision;

import ai.hubbatch.model.image.BoundingBox;
import ai.hubbatch.model.image.Detection;
import ai.hubbatch.model.image.ImageDecoder;
import ai.hubbatch.model.image.ImageProcessor;
import ai.hubbatch.model.image.ObjectDetection;
import ai.hubbatch.model.stage.BatchRow;
import ai.hubbatch.model.task.Labels;
import ai.hubbatch.model.task.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * {@code object-detection}: transformers' {@code ObjectDetectionPipeline} with DETR's
 * post-processing (DETR, YOLOS, Table Transformer), over {@code logits} ({@code [queries, labels +
 * 1]}, the last class "no object") and {@code pred_boxes}. Parameter: {@code threshold} (default
 * 0.5, the Python pipeline's). One image gives {@code [{"score", "label", "box": {"xmin", "ymin",
 * "xmax", "ymax"}}, ..]} in query order, boxes in integer pixels of the upright original image.
 */
final class ObjectDetectionTask extends ImageTask<Double> {

  static final String NAME = "object-detection";

  /** Model types whose processors post-process as DETR does: softmax with a no-object class. */
  static final Set<String> MODEL_TYPES = Set.of("detr", "yolos", "table-transformer");

  private final Labels labels;

  ObjectDetectionTask(
      VisionStage stage, ImageDecoder decoder, ImageProcessor processor, Labels labels) {
    super(NAME, stage, decoder, processor, Set.of("threshold"));
    this.labels = labels;
  }

  @Override
  Double parameters(Parameters parameters) {
    return parameters.number("threshold", ObjectDetection.DEFAULT_THRESHOLD);
  }

  @Override
  JsonNode answer(Double threshold, BatchRow output, Size original) {
    float[] logits = output.row(output.indexOf("logits", 0));
    float[] boxes = output.row(output.indexOf("pred_boxes", 1));
    ArrayNode answer = JsonNodeFactory.instance.arrayNode();
    for (Detection detection :
        ObjectDetection.postprocess(
            logits, boxes, labels::name, threshold, original.height(), original.width())) {
      ObjectNode entry = answer.addObject();
      entry.put("score", detection.score()).put("label", detection.label());
      BoundingBox box = detection.box();
      entry
          .putObject("box")
          .put("xmin", box.xmin())
          .put("ymin", box.ymin())
          .put("xmax", box.xmax())
          .put("ymax", box.ymax());
    }
    return answer;
  }
}
