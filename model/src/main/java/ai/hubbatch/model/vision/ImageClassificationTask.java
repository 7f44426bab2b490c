package ai.hubbatch.model.vision;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.image.ImageClassification;
import ai.hubbatch.model.image.ImageDecoder;
import ai.hubbatch.model.image.ImageProcessor;
import ai.hubbatch.model.image.LabelScore;
import ai.hubbatch.model.stage.BatchRow;
import ai.hubbatch.model.task.Labels;
import ai.hubbatch.model.task.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Set;

/**
 * {@code image-classification}: transformers' {@code ImageClassificationPipeline} over an image
 * classifier's {@code logits}. Parameters: {@code top_k} (default 5, at most the labels) and {@code
 * function_to_apply} ({@code softmax}, {@code sigmoid}, {@code none}; by default sigmoid for
 * multi-label and one-label models, softmax otherwise). One image gives {@code [{"label", "score"},
 * ..]}, best first; a list gives one such list per image.
 */
final class ImageClassificationTask extends ImageTask<ImageClassificationTask.Options> {

  static final String NAME = "image-classification";

  /** The parsed parameters; a null function is the model's default. */
  record Options(int topK, ImageClassification.Function function) {}

  private final Labels labels;

  ImageClassificationTask(
      VisionStage stage, ImageDecoder decoder, ImageProcessor processor, Labels labels) {
    super(NAME, stage, decoder, processor, Set.of("top_k", "function_to_apply"));
    this.labels = labels;
  }

  @Override
  Options parameters(Parameters parameters) {
    int topK = parameters.atLeast("top_k", ImageClassification.DEFAULT_TOP_K, 1);
    String function = parameters.string("function_to_apply", null);
    try {
      return new Options(
          topK, function == null ? null : ImageClassification.Function.parse(function));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(NAME + ": " + e.getMessage());
    }
  }

  @Override
  JsonNode answer(Options options, BatchRow output, Size original) {
    float[] logits = output.row(output.indexOf("logits", 0));
    ImageClassification.Function function =
        options.function() != null
            ? options.function()
            : ImageClassification.Function.defaultFor(
                labels.problemType(), labels.count(logits.length));
    ArrayNode answer = JsonNodeFactory.instance.arrayNode();
    for (LabelScore entry :
        ImageClassification.postprocess(logits, labels::name, options.topK(), function)) {
      answer.addObject().put("label", entry.label()).put("score", entry.score());
    }
    return answer;
  }
}
