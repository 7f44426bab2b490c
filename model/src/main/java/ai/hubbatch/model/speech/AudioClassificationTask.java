package ai.hubbatch.model.speech;

import ai.hubbatch.model.audio.AudioClassification;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.task.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code audio-classification}: transformers' audio classification pipeline over a sequence
 * classifier's {@code logits} for the whole recording. Parameters: {@code top_k} (5 by default, as
 * the toolkit's pipeline returns; at most the labels) and {@code function_to_apply} ({@code
 * softmax} by default, {@code sigmoid}, {@code none}). A recording longer than {@link
 * #WHOLE_SECONDS} is refused: the pipeline classifies a recording in one pass. The answer is {@code
 * [{"score", "label"}, ...]}, best first.
 */
final class AudioClassificationTask
    extends AudioTask<Recording, Heard, AudioClassificationTask.Options> {

  static final String NAME = "audio-classification";

  /** The longest recording classified; a longer one gets an error. */
  static final int WHOLE_SECONDS = 60;

  /** The parsed parameters. */
  record Options(int topK, AudioClassification.Function function) {}

  private final AudioClassification classification;
  private final Windowing whole;

  AudioClassificationTask(AudioStage stage, AudioClassification classification) {
    super(NAME, stage, Set.of("top_k", "function_to_apply"));
    this.classification = classification;
    this.whole = Windowing.whole(WHOLE_SECONDS * stage.samplingRate(), stage.samplingRate(), NAME);
  }

  @Override
  Options parameters(Parameters parameters) {
    int topK = parameters.atLeast("top_k", AudioClassification.DEFAULT_TOP_K, 1);
    try {
      return new Options(
          topK, AudioClassification.Function.parse(parameters.string("function_to_apply", null)));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(NAME + ": " + e.getMessage());
    }
  }

  @Override
  Recording input(byte[] bytes, Options options) {
    return new Recording(bytes, whole);
  }

  @Override
  JsonNode answer(Options options, Heard output) {
    return AudioClassification.toJson(
        classification.top(output.logits(), options.topK(), options.function()));
  }
}
