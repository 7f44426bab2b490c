package ai.hubbatch.model.task.generation;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.codec.JsonShapes;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.decode.GenerationInput;
import ai.hubbatch.model.decode.GenerationOutput;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.generate.ChatTemplate;
import ai.hubbatch.model.generate.GenerationConfig;
import ai.hubbatch.model.generate.PromptTruncation;
import ai.hubbatch.model.task.Prepared;
import ai.hubbatch.model.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code text-generation} as transformers' {@code TextGenerationPipeline}: a decoder-only model
 * continues each prompt.
 *
 * <p>{@code inputs} is a string, a list of strings (a batch), a conversation (a list of {@code
 * {"role", "content"}} messages, rendered with the model's chat template and an assistant turn's
 * prompt) or a list of conversations. Each prompt gets {@code num_return_sequences} answers {@code
 * {"generated_text": ...}}: the prompt and its continuation ({@code return_full_text}, the
 * default), only the continuation, or for a conversation its messages followed by {@code {"role":
 * "assistant", "content": continuation}}; {@code return_tensors} gives {@code generated_token_ids}
 * (prompt and continuation) instead. One prompt or conversation is answered with a list of answers,
 * a batch with a list of such lists.
 *
 * <p>A prompt longer than the context leaves (context minus {@code max_new_tokens}) loses its
 * oldest tokens, with a notice; an empty prompt, a bad message, messages to a model without a chat
 * template and a {@code max_new_tokens} beyond the context are the request's errors.
 */
final class TextGenerationTask
    implements Task<GenerationInput, GenerationOutput, TextGenerationTask.State> {

  static final String NAME = "text-generation";

  private static final Set<String> TASK_PARAMETERS =
      Set.of("return_full_text", "return_tensors", "return_text");

  private final Generator generator;

  TextGenerationTask(Generator generator) {
    if (generator.model().encoderDecoder()) {
      throw new ConfigurationException(
          "text-generation runs decoder-only models; "
              + generator.folder().displayName()
              + " is an encoder-decoder: run it as text2text-generation, summarization or"
              + " translation");
    }
    this.generator = generator;
  }

  /**
   * One prompt's state: its text (or conversation) and the tokens the model saw.
   *
   * @param text the prompt as given (null for a conversation)
   * @param messages the conversation (null for a text)
   * @param ids the prompt's tokens after truncation
   */
  record Prompt(String text, JsonNode messages, int[] ids) {}

  /**
   * @param prompts each prompt, in order
   * @param single whether the request held one prompt or conversation (answered unwrapped)
   * @param fullText {@code return_full_text}
   * @param tensors {@code return_tensors}
   * @param sequences answers per prompt
   */
  record State(
      List<Prompt> prompts, boolean single, boolean fullText, boolean tensors, int sequences) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GenerationStage stage() {
    return generator.stage();
  }

  @Override
  public Prepared<GenerationInput, State> prepare(InferenceRequest request) {
    Requests parameters = Requests.of(generator, request.parameters(), TASK_PARAMETERS);
    boolean tensors = flag(request.parameters(), "return_tensors", false);
    boolean fullText = flag(request.parameters(), "return_full_text", true);
    if (request.parameters().has("return_full_text") && tensors) {
      throw new InvalidRequestException(
          "\"return_full_text\" and \"return_tensors\" are mutually exclusive");
    }
    JsonNode inputs = request.inputs();
    List<JsonNode> items = new ArrayList<>();
    boolean single;
    if (inputs.isTextual() || isConversation(inputs)) {
      items.add(inputs);
      single = true;
    } else if (inputs.isArray() && !inputs.isEmpty()) {
      inputs.forEach(items::add);
      single = false;
    } else {
      throw shape(inputs);
    }
    List<Prompt> prompts = new ArrayList<>();
    List<GenerationInput> prepared = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String text;
      JsonNode messages = null;
      int[] ids;
      if (item.isTextual()) {
        text = item.asText();
        if (text.isEmpty()) {
          throw new InvalidRequestException(
              "The prompt" + (single ? "" : " at inputs[" + i + "]") + " is empty");
        }
        ids = ints(generator.tokenizer().encode(generator.prefix() + text).ids());
      } else if (isConversation(item)) {
        text = null;
        messages = item;
        String rendered = ChatTemplate.required(generator.folder()).render(item, true);
        ids = ints(generator.tokenizer().idsWithoutSpecialTokens(rendered));
      } else {
        throw shape(inputs);
      }
      if (ids.length == 0) {
        throw new InvalidRequestException("The prompt encodes to no tokens");
      }
      GenerationConfig config = parameters.config();
      PromptTruncation.Fitted fitted;
      if (parameters.defaultLength() && generator.context() > 0) {
        // the pipeline's 256 new tokens, or what the context leaves after the prompt
        fitted = PromptTruncation.fit(ids, config.withMaxNewTokens(null), generator.context());
        int room = generator.context() - fitted.ids().length;
        config = config.withMaxNewTokens(Math.min(PipelineDefaults.MAX_NEW_TOKENS, room));
      } else {
        fitted = PromptTruncation.fit(ids, config, generator.context());
      }
      config.maxNewTokens(fitted.ids().length); // refuses a max_length that leaves no room
      prompts.add(new Prompt(text, messages, fitted.ids()));
      prepared.add(
          GenerationInput.decoderOnly(fitted.ids(), config, parameters.seed(i), fitted.warning()));
    }
    return new Prepared<>(
        prepared,
        new State(prompts, single, fullText, tensors, parameters.config().numReturnSequences()));
  }

  private static boolean isConversation(JsonNode node) {
    return node.isArray() && !node.isEmpty() && node.get(0).isObject();
  }

  private static InvalidRequestException shape(JsonNode inputs) {
    return new InvalidRequestException(
        "text-generation expects \"inputs\" to be a string, a list of strings, a conversation (a"
            + " list of {\"role\": ..., \"content\": ...} messages) or a list of conversations,"
            + " got "
            + JsonShapes.describe(inputs));
  }

  static boolean flag(ObjectNode parameters, String name, boolean fallback) {
    JsonNode value = parameters.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new InvalidRequestException(
          "\"" + name + "\" must be true or false, got " + JsonShapes.describe(value));
    }
    return value.asBoolean();
  }

  static int[] ints(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public JsonNode respond(State state, List<GenerationOutput> outputs) {
    ArrayNode all = Json.MAPPER.createArrayNode();
    for (int p = 0; p < state.prompts().size(); p++) {
      Prompt prompt = state.prompts().get(p);
      ArrayNode answers = Json.MAPPER.createArrayNode();
      for (GenerationOutput.Sequence sequence : outputs.get(p).sequences()) {
        answers.add(answer(state, prompt, sequence.tokens()));
      }
      all.add(answers);
    }
    return state.single() ? all.get(0) : all;
  }

  /** One answer, as the pipeline's postprocess builds it. */
  private ObjectNode answer(State state, Prompt prompt, int[] generated) {
    ObjectNode answer = Json.MAPPER.createObjectNode();
    int[] sequence = new int[prompt.ids().length + generated.length];
    System.arraycopy(prompt.ids(), 0, sequence, 0, prompt.ids().length);
    System.arraycopy(generated, 0, sequence, prompt.ids().length, generated.length);
    if (state.tensors()) {
      ArrayNode ids = answer.putArray("generated_token_ids");
      for (int id : sequence) {
        ids.add(id);
      }
      return answer;
    }
    // The pipeline decodes prompt and continuation together and cuts the decoded prompt's length
    // (in code points, as Python counts) off the front.
    String text = generator.decode(sequence);
    String decodedPrompt = generator.decode(prompt.ids());
    int promptLength = decodedPrompt.codePointCount(0, decodedPrompt.length());
    String continuation =
        promptLength >= text.codePointCount(0, text.length())
            ? ""
            : text.substring(text.offsetByCodePoints(0, promptLength));
    if (!state.fullText()) {
      answer.put("generated_text", continuation);
    } else if (prompt.messages() != null) {
      ArrayNode messages = answer.putArray("generated_text");
      prompt.messages().forEach(messages::add);
      messages.addObject().put("role", "assistant").put("content", continuation);
    } else {
      answer.put("generated_text", prompt.text() + continuation);
    }
    return answer;
  }
}
