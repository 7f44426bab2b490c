package ai.hubbatch.model.image;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * transformers' {@code ObjectDetectionPipeline} over a DETR-style model's outputs, with DETR's
 * {@code post_process_object_detection}: a softmax over the classes including the last, "no
 * object", one; each query's score and label the best of the real classes; the queries scoring
 * above {@code threshold}, in query order; boxes from (centre x, centre y, width, height) in 0..1
 * to corners scaled to the original upright image, truncated to integer pixels. The box arithmetic
 * is float32, as torch's, so the integer corners are the pipeline's.
 */
public final class ObjectDetection {

  /** The Python pipeline's default threshold (transformers.js uses 0.9). */
  public static final double DEFAULT_THRESHOLD = 0.5;

  private ObjectDetection() {}

  /**
   * The detections of one image.
   *
   * @param logits {@code [queries, classes + 1]}, row by row
   * @param boxes {@code [queries, 4]}: centre x, centre y, width, height, relative to the image
   * @param labels {@code id2label} of the real classes
   * @param height the original (upright) image's height
   * @param width the original (upright) image's width
   */
  public static List<Detection> postprocess(
      float[] logits,
      float[] boxes,
      IntFunction<String> labels,
      double threshold,
      int height,
      int width) {
    int queries = boxes.length / 4;
    if (boxes.length != 4 * queries || queries == 0 || logits.length % queries != 0) {
      throw new IllegalArgumentException(
          logits.length + " logits and " + boxes.length + " box values do not make queries");
    }
    int classes = logits.length / queries;
    // torch compares the float32 scores with the threshold as a float32
    float limit = (float) threshold;
    List<Detection> detections = new ArrayList<>();
    for (int q = 0; q < queries; q++) {
      double[] probabilities = ImageClassification.softmax(logits, q * classes, classes);
      int best = 0;
      for (int c = 1; c < classes - 1; c++) {
        if (probabilities[c] > probabilities[best]) {
          best = c;
        }
      }
      float score = (float) probabilities[best];
      if (score > limit) {
        detections.add(new Detection(score, labels.apply(best), box(boxes, q, height, width)));
      }
    }
    return List.copyOf(detections);
  }

  private static BoundingBox box(float[] boxes, int query, int height, int width) {
    float cx = boxes[4 * query];
    float cy = boxes[4 * query + 1];
    float w = boxes[4 * query + 2];
    float h = boxes[4 * query + 3];
    return new BoundingBox(
        (int) ((cx - 0.5f * w) * width),
        (int) ((cy - 0.5f * h) * height),
        (int) ((cx + 0.5f * w) * width),
        (int) ((cy + 0.5f * h) * height));
  }
}
