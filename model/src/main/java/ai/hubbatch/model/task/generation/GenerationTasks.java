package ai.hubbatch.model.task.generation;

import ai.hubbatch.model.task.OutputColumn;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.task.TaskContext;
import ai.hubbatch.model.task.TaskFactory;
import ai.hubbatch.model.task.TaskProvider;
import ai.hubbatch.model.tokenize.SequenceLimits;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The generation tasks, on ONNX models in the Hub's generation layouts: {@code text-generation}
 * (decoder-only), and {@code text2text-generation}, {@code summarization} and {@code translation}
 * (with its {@code translation_xx_to_yy} names) on encoder-decoders. A single answer's text fills a
 * typed {@code generated_text}, {@code summary_text} or {@code translation_text} column.
 */
public final class GenerationTasks implements TaskProvider {

  private static final Map<String, TaskFactory> FACTORIES =
      Map.of(
          TextGenerationTask.NAME,
          factory(
              context ->
                  new TextGenerationTask(
                      Generator.load(context, 0, PipelineDefaults.TEXT_GENERATION)),
              "generated"),
          "text2text-generation",
          seq2seq("generated"),
          "summarization",
          seq2seq("summary"),
          "translation",
          seq2seq("translation"));

  @FunctionalInterface
  private interface Maker {
    Task<?, ?, ?> make(TaskContext context) throws IOException;
  }

  private static TaskFactory seq2seq(String key) {
    return factory(
        context ->
            new Seq2SeqTask(
                Generator.load(context, encoderLimit(context), PipelineDefaults.SEQ2SEQ), key),
        key);
  }

  /**
   * Where encoder inputs are cut: at the positions a model with learned or fixed position
   * embeddings has ({@code max_position_embeddings}: BART, Marian), keeping the closing special
   * token as transformers' {@code truncation=True} does. T5's relative positions have no such
   * limit, and transformers' pipelines do not truncate by default, so its inputs stay whole.
   */
  private static int encoderLimit(TaskContext context) {
    return context.folder().config().path("max_position_embeddings").canConvertToInt()
        ? SequenceLimits.modelMaximum(context.folder())
        : 0;
  }

  private static TaskFactory factory(Maker maker, String key) {
    List<OutputColumn> columns =
        List.of(new OutputColumn(key + "_text", OutputColumn.Kind.STRING, "/0/" + key + "_text"));
    return new TaskFactory() {
      @Override
      public Task<?, ?, ?> create(TaskContext context) throws IOException {
        return maker.make(context);
      }

      @Override
      public List<OutputColumn> outputColumns() {
        return columns;
      }
    };
  }

  @Override
  public Map<String, TaskFactory> tasks() {
    return FACTORIES;
  }
}
