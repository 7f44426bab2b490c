package ai.hubbatch.model.task.generation;

import ai.hubbatch.model.decode.CacheGraphs;
import ai.hubbatch.model.decode.GenerationModel;
import ai.hubbatch.model.decode.GenerationStage;
import ai.hubbatch.model.generate.GenerationConfig;
import ai.hubbatch.model.generate.PromptTruncation;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.task.TaskContext;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;

/**
 * What a generation task loads for its model: the graphs and the stage that decodes them, the
 * tokenizer, and the model's generation parameters as the task's pipeline starts from them.
 * Immutable and thread-safe.
 *
 * @param task the task's canonical name ({@code translation_en_to_de})
 * @param folder the model's files
 * @param tokenizer the model's tokenizer
 * @param stage the decoding stage
 * @param model the graphs
 * @param base the model's generation parameters with the pipeline's defaults and the task's {@code
 *     task_specific_params}, before any request
 * @param beamsFromPipeline whether {@code base}'s beams are the pipeline's default, not the model's
 * @param context the decoder's context in tokens, or -1 when config.json states none
 * @param prefix the text the pipeline puts before each input ({@code summarize: }), or ""
 */
record Generator(
    String task,
    ModelFolder folder,
    TextTokenizer tokenizer,
    GenerationStage stage,
    GenerationModel model,
    GenerationConfig base,
    boolean beamsFromPipeline,
    int context,
    String prefix) {

  /**
   * Loads the model's graphs and tokenizer through the context, which keeps them.
   *
   * @param tokenizerLength where the tokenizer truncates (an encoder's maximum), or 0 for never
   * @param pipelineDefaults the pipeline's own defaults, which apply where the model's files leave
   *     a parameter at transformers' global default
   */
  static Generator load(TaskContext context, int tokenizerLength, PipelineDefaults pipelineDefaults)
      throws IOException {
    ModelFolder folder = context.folder();
    // Untruncated unless asked: a decoder's prompt is cut from the left, to fit what it generates.
    TextTokenizer tokenizer = context.tokenizer(tokenizerLength > 0 ? tokenizerLength : UNLIMITED);
    CacheGraphs graphs = context.keep(new CacheGraphs(context.settings()));
    GenerationModel model =
        context.keep(GenerationModel.load(folder, context.weights(), context.settings()));
    JsonNode config = folder.config();
    JsonNode generationConfig = folder.json("generation_config.json");
    GenerationConfig base =
        GenerationConfig.fromModel(
            config, generationConfig.isMissingNode() ? null : generationConfig);
    GenerationConfig withDefaults = pipelineDefaults.over(base);
    boolean beamsFromPipeline = withDefaults.numBeams() != base.numBeams();
    base = withDefaults.withTaskParameters(config, context.task());
    long padId = base.padTokenId() != null ? base.padTokenId() : tokenizer.padId();
    GenerationStage stage =
        new GenerationStage(
            model,
            graphs,
            padId,
            ids -> tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true));
    return new Generator(
        context.task(),
        folder,
        tokenizer,
        stage,
        model,
        base,
        beamsFromPipeline,
        PromptTruncation.contextLength(config),
        prefix(config, context.task()));
  }

  /** Where an untruncated tokenizer is told to truncate: longer than any context. */
  static final int UNLIMITED = 1 << 24;

  /**
   * The pipeline's prefix: {@code task_specific_params[task].prefix}, else config.json's {@code
   * prefix}, as transformers' pipelines read them.
   */
  private static String prefix(JsonNode config, String task) {
    JsonNode specific = config.path("task_specific_params").path(task).path("prefix");
    if (specific.isTextual()) {
      return specific.asText();
    }
    JsonNode general = config.path("prefix");
    return general.isTextual() ? general.asText() : "";
  }

  /** Decodes ids as transformers' pipelines do: special tokens skipped. */
  String decode(int[] ids) {
    return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true);
  }
}
