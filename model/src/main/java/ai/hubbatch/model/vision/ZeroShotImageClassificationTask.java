package ai.hubbatch.model.vision;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.image.ImageDecoder;
import ai.hubbatch.model.image.ImageProcessor;
import ai.hubbatch.model.image.LabelScore;
import ai.hubbatch.model.image.ProcessedImage;
import ai.hubbatch.model.image.ZeroShotImageClassification;
import ai.hubbatch.model.stage.BatchRow;
import ai.hubbatch.model.task.HypothesisTemplate;
import ai.hubbatch.model.task.Parameters;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code zero-shot-image-classification}: transformers' {@code ZeroShotImageClassificationPipeline}
 * over a CLIP-style dual encoder. Parameters: {@code candidate_labels} (required: a list, or one
 * comma-separated string) and {@code hypothesis_template} (default {@code "This is a photo of
 * {}."}, formatted as Python's {@code str.format}). One image gives every label with its score,
 * {@code [{"score", "label"}, ..]}, best first: a softmax of the image's logits over the labels.
 *
 * <p>Two layouts of the model: the whole graph ({@code model.onnx}, {@code logits_per_image} out),
 * where the labels' texts run with the images and images asking about the same labels share a
 * batch; or the two towers ({@code vision_model.onnx}, {@code text_model.onnx}), where the texts'
 * embeddings are computed once per label set and kept, every image batches with every other, and
 * the logits are {@code exp(logit_scale)} times the cosine similarities, as the graph computes
 * them.
 */
final class ZeroShotImageClassificationTask
    extends ImageTask<ZeroShotImageClassificationTask.Options> {

  static final String NAME = "zero-shot-image-classification";

  /**
   * The parsed parameters.
   *
   * @param labels the candidate labels
   * @param prompts their texts, tokenized
   * @param texts the texts' normalized embeddings, when the towers run apart; else null
   */
  record Options(List<String> labels, Prompts prompts, float[][] texts) {}

  private final TextTokenizer tokenizer;
  private final long padId;
  private final TextTower textTower;
  private final float logitScale;

  /**
   * @param textTower the text tower when the model is split, with the factor {@code logitScale};
   *     null when the stage runs the whole graph
   */
  ZeroShotImageClassificationTask(
      VisionStage stage,
      ImageDecoder decoder,
      ImageProcessor processor,
      TextTokenizer tokenizer,
      long padId,
      TextTower textTower,
      double logitScale) {
    super(NAME, stage, decoder, processor, Set.of("candidate_labels", "hypothesis_template"));
    this.tokenizer = tokenizer;
    this.padId = padId;
    this.textTower = textTower;
    this.logitScale = (float) logitScale;
  }

  @Override
  Options parameters(Parameters parameters) {
    List<String> labels = parameters.labels("candidate_labels");
    if (labels == null || labels.isEmpty()) {
      throw new InvalidRequestException(
          NAME
              + " needs \"candidate_labels\" in \"parameters\": a list of labels or a "
              + "comma-separated string");
    }
    String template =
        parameters.string("hypothesis_template", ZeroShotImageClassification.DEFAULT_TEMPLATE);
    List<String> texts = new ArrayList<>(labels.size());
    for (String label : labels) {
      texts.add(HypothesisTemplate.format(template, label));
    }
    Prompts prompts = Prompts.encode(tokenizer, texts, padId);
    return new Options(
        List.copyOf(labels), prompts, textTower == null ? null : textTower.embeddings(prompts));
  }

  @Override
  ImageInput input(ProcessedImage image, Options options) {
    return textTower == null ? new ImageInput(image, options.prompts()) : ImageInput.of(image);
  }

  @Override
  JsonNode answer(Options options, BatchRow output, Size original) {
    float[] logits =
        options.texts() == null
            ? output.row(output.indexOf("logits_per_image", 0))
            : logits(options.texts(), output.row(output.indexOf("image_embeds", 0)));
    ArrayNode answer = JsonNodeFactory.instance.arrayNode();
    for (LabelScore entry : ZeroShotImageClassification.postprocess(logits, options.labels())) {
      answer.addObject().put("score", entry.score()).put("label", entry.label());
    }
    return answer;
  }

  /** {@code logit_scale.exp() * text @ image}, float32 as the graph computes it. */
  private float[] logits(float[][] texts, float[] imageEmbeds) {
    float[] image = TextTower.normalized(imageEmbeds);
    float[] logits = new float[texts.length];
    for (int t = 0; t < texts.length; t++) {
      float dot = 0;
      for (int i = 0; i < image.length; i++) {
        dot += texts[t][i] * image[i];
      }
      logits[t] = dot * logitScale;
    }
    return logits;
  }
}
