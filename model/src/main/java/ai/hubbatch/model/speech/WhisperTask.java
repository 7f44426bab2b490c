package ai.hubbatch.model.speech;

import ai.hubbatch.model.audio.WhisperDecoding;
import ai.hubbatch.model.audio.WhisperFeatureExtractor;
import ai.hubbatch.model.audio.WhisperLogitsRules;
import ai.hubbatch.model.audio.WhisperLongForm;
import ai.hubbatch.model.audio.WhisperPrompt;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import ai.hubbatch.model.decode.CacheGraphs;
import ai.hubbatch.model.decode.GenerationModel;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.generate.GenerationConfig;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.task.Parameters;
import ai.hubbatch.model.task.TaskContext;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code automatic-speech-recognition} for Whisper-style encoder-decoders (optimum's {@code
 * encoder_model.onnx} and {@code decoder_model_merged.onnx}): transformers' speech pipeline with
 * greedy decoding through the generation loop ({@link WhisperStage}). Parameters: {@code language}
 * and {@code task} ({@code transcribe}, {@code translate}), top-level or in {@code
 * generate_kwargs}; {@code return_timestamps: true} for segment {@code chunks}; {@code
 * max_new_tokens} and the other generation parameters in {@code generate_kwargs}. Recordings longer
 * than 30 s are transcribed by sequential long-form decoding; {@code chunk_length_s} (the
 * pipeline's chunked Whisper decoding) is refused. The answer is {@code {"text": ...}}, with {@code
 * "chunks"} when timestamps were asked for.
 */
final class WhisperTask extends AudioTask<WhisperRecording, long[], WhisperTask.Options> {

  static final String NAME = "automatic-speech-recognition";

  private static final Set<String> ACCEPTED =
      Set.of(
          "return_timestamps",
          "language",
          "task",
          "max_new_tokens",
          "generate_kwargs",
          "chunk_length_s",
          "stride_length_s");

  /** The parsed parameters. */
  record Options(String language, String task, boolean timestamps, GenerationConfig config) {}

  private final WhisperDecoding decoding;
  private final GenerationConfig base;

  private WhisperTask(WhisperStage stage, WhisperDecoding decoding, GenerationConfig base) {
    super(NAME, stage, ACCEPTED);
    this.decoding = decoding;
    this.base = base;
  }

  /** Whether the folder holds a Whisper-style model rather than a CTC one. */
  static boolean fits(ModelFolder folder) {
    return folder.config().path("model_type").asText("").equals("whisper")
        || folder.file("onnx/encoder_model.onnx").isPresent()
        || folder.file("encoder_model.onnx").isPresent();
  }

  /**
   * Loads the graphs, tokenizer and Whisper configuration through the context, which keeps them.
   */
  static WhisperTask load(TaskContext context) throws IOException {
    ModelFolder folder = context.folder();
    AudioTasks.requirePreprocessor(folder, NAME);
    JsonNode generation = folder.json("generation_config.json");
    if (generation.isMissingNode()) {
      throw new IllegalArgumentException(
          "The Whisper model "
              + folder.displayName()
              + " has no generation_config.json, which holds its prompt and timestamp tokens");
    }
    TextTokenizer tokenizer = context.tokenizer(1 << 24);
    CacheGraphs graphs = context.keep(new CacheGraphs(context.settings()));
    GenerationModel model =
        context.keep(GenerationModel.load(folder, context.weights(), context.settings()));
    GenerationConfig base =
        GenerationConfig.fromModel(folder.config(), generation)
            .withNumBeams(1)
            .withDoSample(false)
            .validated();
    long eos = generation.path("eos_token_id").asLong();
    long pad = generation.path("pad_token_id").asLong(eos);
    GenerationStage stage =
        new GenerationStage(
            model,
            graphs,
            pad,
            ids -> tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true));
    WhisperStage whisper =
        new WhisperStage(
            stage,
            WhisperFeatureExtractor.fromConfig(folder.json("preprocessor_config.json")),
            WhisperPrompt.fromConfig(generation, folder.config()),
            WhisperLogitsRules.fromConfig(generation),
            WhisperLongForm.load(folder),
            eos,
            folder.config().path("max_source_positions").asInt(1500),
            folder.config().path("max_target_positions").asInt(448));
    return new WhisperTask(whisper, WhisperDecoding.load(folder, tokenizer::decode), base);
  }

  @Override
  Options parameters(Parameters parameters) {
    if (parameters.number("chunk_length_s", 0) > 0) {
      throw new InvalidRequestException(
          NAME
              + ": chunk_length_s is not supported for Whisper models; recordings longer than 30 s"
              + " are transcribed by sequential long-form decoding without it");
    }
    JsonNode timestamps = parameters.raw("return_timestamps");
    if (timestamps != null && !timestamps.isNull() && !timestamps.isBoolean()) {
      throw new InvalidRequestException(
          NAME
              + ": return_timestamps for a Whisper model must be true or false (segment"
              + " timestamps; word timestamps are not supported), got "
              + JsonShapes.describe(timestamps));
    }
    ObjectNode kwargs = generateKwargs(parameters.raw("generate_kwargs"));
    String language = text(kwargs.remove("language"), parameters.string("language", null));
    String task = text(kwargs.remove("task"), parameters.string("task", null));
    if (parameters.has("max_new_tokens") && !kwargs.has("max_new_tokens")) {
      kwargs.set("max_new_tokens", parameters.raw("max_new_tokens"));
    }
    GenerationConfig config = base.withRequest(kwargs, Set.of());
    if (config.numBeams() > 1 || config.doSample()) {
      throw new InvalidRequestException(
          NAME
              + ": Whisper models decode greedily here; num_beams and do_sample are not supported");
    }
    try {
      WhisperStage stage = (WhisperStage) stage();
      // refuses a language or task the model does not take before any audio is decoded
      stage.prompt().tokens(language, task, false, () -> 0L);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(NAME + ": " + e.getMessage());
    }
    return new Options(language, task, timestamps != null && timestamps.asBoolean(false), config);
  }

  private static ObjectNode generateKwargs(JsonNode kwargs) {
    if (kwargs == null || kwargs.isNull()) {
      return ai.hubbatch.model.codec.Json.MAPPER.createObjectNode();
    }
    if (!kwargs.isObject()) {
      throw new InvalidRequestException(
          NAME + ": \"generate_kwargs\" must be an object, got " + JsonShapes.describe(kwargs));
    }
    return ((ObjectNode) kwargs).deepCopy();
  }

  private static String text(JsonNode fromKwargs, String fallback) {
    if (fromKwargs == null || fromKwargs.isNull()) {
      return fallback;
    }
    if (!fromKwargs.isTextual()) {
      throw new InvalidRequestException(
          NAME + ": language and task must be strings, got " + JsonShapes.describe(fromKwargs));
    }
    return fromKwargs.asText();
  }

  @Override
  WhisperRecording input(byte[] bytes, Options options) {
    return new WhisperRecording(
        bytes, options.language(), options.task(), options.timestamps(), options.config());
  }

  @Override
  com.fasterxml.jackson.databind.JsonNode answer(Options options, long[] output) {
    return decoding
        .transcript(List.of(WhisperDecoding.Output.of(output)), options.timestamps())
        .toJson();
  }
}
