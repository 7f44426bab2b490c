package ai.hubbatch.model.vision;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.MediaInputs;
import ai.hubbatch.model.image.ImageDecoder;
import ai.hubbatch.model.image.ImageProcessor;
import ai.hubbatch.model.image.InvalidImageException;
import ai.hubbatch.model.image.ProcessedImage;
import ai.hubbatch.model.stage.BatchRow;
import ai.hubbatch.model.stage.Stage;
import ai.hubbatch.model.task.Parameters;
import ai.hubbatch.model.task.Prepared;
import ai.hubbatch.model.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the vision tasks share: a request's images ({@link MediaInputs}) are decoded as Pillow
 * decodes them and processed by the model's image processor in {@link #prepare}, on the calling
 * thread, so requests are decoded in parallel where they are prepared in parallel; each image's
 * outputs become one answer, and a list of images gets a list of answers, as the pipelines answer a
 * list.
 *
 * <p>Every vision task also takes {@code timeout}, the pipelines' time limit for fetching a URL,
 * and ignores it: URLs are refused.
 *
 * @param <P> the task's parsed parameters
 */
abstract class ImageTask<P> implements Task<ImageInput, BatchRow, ImageTask.State<P>> {

  /** The upright original size of an image, which boxes and masks are scaled to. */
  record Size(int height, int width) {}

  /**
   * What a response needs.
   *
   * @param list whether the request sent a list of images
   * @param parameters the parsed parameters
   * @param sizes each image's original size, in order
   */
  record State<P>(boolean list, P parameters, List<Size> sizes) {}

  private final String name;
  private final VisionStage stage;
  private final ImageDecoder decoder;
  private final ImageProcessor processor;
  private final Set<String> accepted;

  ImageTask(
      String name,
      VisionStage stage,
      ImageDecoder decoder,
      ImageProcessor processor,
      Set<String> parameters) {
    this.name = name;
    this.stage = stage;
    this.decoder = decoder;
    this.processor = processor;
    Set<String> accepted = new HashSet<>(parameters);
    accepted.add("timeout");
    this.accepted = Set.copyOf(accepted);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Stage<ImageInput, BatchRow> stage() {
    return stage;
  }

  @Override
  public Prepared<ImageInput, State<P>> prepare(InferenceRequest request) {
    P parameters = parameters(Parameters.of(request.parameters(), name, accepted));
    MediaInputs images = MediaInputs.read(request.inputs(), name, MediaInputs.Kind.IMAGE);
    List<ImageInput> inputs = new ArrayList<>(images.items().size());
    List<Size> sizes = new ArrayList<>(images.items().size());
    for (int i = 0; i < images.items().size(); i++) {
      ProcessedImage image = process(images.items().get(i), images.list() ? i : -1);
      inputs.add(input(image, parameters));
      sizes.add(new Size(image.originalHeight(), image.originalWidth()));
    }
    return new Prepared<>(inputs, new State<>(images.list(), parameters, sizes));
  }

  /** Decodes and processes one image; {@code index} is its place in a list, -1 when alone. */
  private ProcessedImage process(byte[] bytes, int index) {
    try {
      return processor.process(decoder.decode(bytes));
    } catch (InvalidImageException e) {
      if (index < 0) {
        throw e;
      }
      throw new InvalidRequestException("inputs[" + index + "]: " + e.getMessage(), e);
    }
  }

  @Override
  public JsonNode respond(State<P> state, List<BatchRow> outputs) {
    List<JsonNode> answers = new ArrayList<>(outputs.size());
    for (int i = 0; i < outputs.size(); i++) {
      answers.add(answer(state.parameters(), outputs.get(i), state.sizes().get(i)));
    }
    if (!state.list()) {
      return answers.get(0);
    }
    ArrayNode all = JsonNodeFactory.instance.arrayNode(answers.size());
    answers.forEach(all::add);
    return all;
  }

  /**
   * Reads the task's own parameters.
   *
   * @throws InvalidRequestException for a value the task cannot take
   */
  abstract P parameters(Parameters parameters);

  /** The stage input of one processed image. */
  ImageInput input(ProcessedImage image, P parameters) {
    return ImageInput.of(image);
  }

  /** One image's answer, from its outputs. */
  abstract JsonNode answer(P parameters, BatchRow output, Size original);
}
