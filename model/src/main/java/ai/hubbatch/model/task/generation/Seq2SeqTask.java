package ai.hubbatch.model.task.generation;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.codec.JsonShapes;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.decode.GenerationInput;
import ai.hubbatch.model.decode.GenerationOutput;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.generate.GenerationConfig;
import ai.hubbatch.model.generate.PromptTruncation;
import ai.hubbatch.model.task.Prepared;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code text2text-generation}, {@code summarization} and {@code translation} ({@code
 * translation_xx_to_yy}) as transformers' {@code Text2TextGenerationPipeline} and its subclasses:
 * an encoder-decoder model reads each text (after the pipeline's prefix: {@code
 * task_specific_params[task].prefix}, as T5's {@code summarize: }) and writes an answer, {@code
 * {"<key>_text": ...}} with the task's key ({@code generated}, {@code summary}, {@code
 * translation}), or {@code {"<key>_token_ids": [...]}} with {@code return_tensors}.
 *
 * <p>A string is answered with a list of {@code num_return_sequences} answers; a list of strings
 * with one answer per string when each has one (the pipeline flattens them), a list of lists
 * otherwise. An input longer than the encoder takes is cut at its end, with a notice.
 */
final class Seq2SeqTask implements Task<GenerationInput, GenerationOutput, Seq2SeqTask.State> {

  private static final Set<String> TASK_PARAMETERS = Set.of("return_tensors", "return_text");

  private final Generator generator;
  private final String key;

  /**
   * @param key the answer's key before {@code _text}: {@code generated}, {@code summary} or {@code
   *     translation}
   */
  Seq2SeqTask(Generator generator, String key) {
    if (!generator.model().encoderDecoder()) {
      throw new ConfigurationException(
          generator.task()
              + " runs encoder-decoder models; "
              + generator.folder().displayName()
              + " is decoder-only: run it as text-generation");
    }
    if (generator.base().decoderStartTokenId() == null) {
      throw new ConfigurationException(
          "The model "
              + generator.folder().displayName()
              + " names no decoder_start_token_id (nor bos_token_id) in its generation_config.json"
              + " or config.json, so its decoder has nothing to start from");
    }
    this.generator = generator;
    this.key = key;
  }

  /**
   * @param decoderStart the tokens the decoder started from
   * @param single whether the request held one string
   * @param tensors {@code return_tensors}
   */
  record State(int[] decoderStart, boolean single, boolean tensors) {}

  @Override
  public String name() {
    return generator.task();
  }

  @Override
  public GenerationStage stage() {
    return generator.stage();
  }

  @Override
  public Prepared<GenerationInput, State> prepare(InferenceRequest request) {
    Requests parameters = Requests.of(generator, request.parameters(), TASK_PARAMETERS);
    boolean tensors = TextGenerationTask.flag(request.parameters(), "return_tensors", false);
    JsonNode inputs = request.inputs();
    List<String> texts = new ArrayList<>();
    boolean single = inputs.isTextual();
    if (single) {
      texts.add(inputs.asText());
    } else if (inputs.isArray() && !inputs.isEmpty()) {
      for (int i = 0; i < inputs.size(); i++) {
        if (!inputs.get(i).isTextual()) {
          throw shape("inputs[" + i + "] is " + JsonShapes.describe(inputs.get(i)));
        }
        texts.add(inputs.get(i).asText());
      }
    } else {
      throw shape("got " + JsonShapes.describe(inputs));
    }
    int[] start = {parameters.config().decoderStartTokenId()};
    GenerationConfig config = parameters.config();
    int context = generator.context();
    if (parameters.defaultLength() && context > 0) {
      config = config.withMaxNewTokens(Math.min(PipelineDefaults.MAX_NEW_TOKENS, context - 1));
    } else {
      PromptTruncation.fit(start, config, context); // refuses a max_new_tokens beyond the context
    }
    config.maxNewTokens(start.length);
    Network encoder = generator.model().encoder().orElseThrow();
    List<GenerationInput> prepared = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text.isEmpty()) {
        throw new InvalidRequestException(
            "The text" + (single ? "" : " at inputs[" + i + "]") + " is empty");
      }
      TokenizedText tokens = generator.tokenizer().encode(generator.prefix() + text);
      long[] ids = tokens.ids();
      Map<String, HostTensor> encoderInputs = new HashMap<>();
      encoderInputs.put("input_ids", HostTensor.ofLongs(ids, 1, ids.length));
      if (encoder.takes("attention_mask")) {
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        encoderInputs.put("attention_mask", HostTensor.ofLongs(mask, 1, ids.length));
      }
      String notice =
          tokens.truncated()
              ? "An input was cut to the model's "
                  + generator.tokenizer().maxLength()
                  + " tokens at its end"
              : null;
      prepared.add(new GenerationInput(start, encoderInputs, config, parameters.seed(i), notice));
    }
    return new Prepared<>(prepared, new State(start, single, tensors));
  }

  private InvalidRequestException shape(String found) {
    return new InvalidRequestException(
        generator.task() + " expects \"inputs\" to be a string or a list of strings, but " + found);
  }

  @Override
  public JsonNode respond(State state, List<GenerationOutput> outputs) {
    ArrayNode all = Json.MAPPER.createArrayNode();
    boolean flat = !state.single();
    for (GenerationOutput output : outputs) {
      ArrayNode answers = Json.MAPPER.createArrayNode();
      for (GenerationOutput.Sequence sequence : output.sequences()) {
        answers.add(answer(state, sequence.tokens()));
      }
      flat &= answers.size() == 1;
      all.add(answers);
    }
    if (state.single()) {
      return all.get(0);
    }
    if (flat) {
      // the pipeline answers a list of texts with one answer each as a flat list
      ArrayNode flattened = Json.MAPPER.createArrayNode();
      all.forEach(answers -> flattened.add(answers.get(0)));
      return flattened;
    }
    return all;
  }

  private ObjectNode answer(State state, int[] generated) {
    ObjectNode answer = Json.MAPPER.createObjectNode();
    if (state.tensors()) {
      ArrayNode ids = answer.putArray(key + "_token_ids");
      for (int id : state.decoderStart()) {
        ids.add(id);
      }
      for (int id : generated) {
        ids.add(id);
      }
    } else {
      answer.put(key + "_text", generator.decode(generated));
    }
    return answer;
  }
}
