package ai.hubbatch.model.task;

import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.tokenize.SequenceLimits;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/** The built-in text tasks: each runs a text encoder (TorchScript or ONNX) over token sequences. */
public final class TextTasks implements TaskProvider {

  private static final Map<String, TaskFactory> FACTORIES = new TreeMap<>();

  /** Makes a text encoder task from the model's folder, tokenizer and encoder. */
  @FunctionalInterface
  private interface EncoderTaskMaker {
    Task<?, ?, ?> make(ModelFolder folder, TextTokenizer tokenizer, EncoderStage encoder);
  }

  static {
    ToIntFunction<ModelFolder> model = SequenceLimits::modelMaximum;
    // sentence-transformers models truncate at their own max_seq_length.
    ToIntFunction<ModelFolder> sentences = SequenceLimits::sentenceTransformersMaximum;
    // One string gives [1][tokens][hidden]: the column holds the tokens x hidden matrix.
    register(
        FeatureExtractionTask.NAME,
        model,
        (folder, tokenizer, encoder) -> new FeatureExtractionTask(encoder, tokenizer),
        new OutputColumn("features", OutputColumn.Kind.FLOAT_MATRIX, "/0"));
    register(
        SentenceEmbeddingsTask.NAME,
        sentences,
        (folder, tokenizer, encoder) ->
            new SentenceEmbeddingsTask(encoder, tokenizer, Pooling.of(folder)),
        new OutputColumn("embeddings", OutputColumn.Kind.FLOAT_VECTOR, "/embeddings"));
    register(
        SentenceSimilarityTask.NAME,
        sentences,
        (folder, tokenizer, encoder) ->
            new SentenceSimilarityTask(encoder, tokenizer, Pooling.of(folder)));
    // Aliases (sentiment-analysis, ner) reach these through TaskInference.canonical.
    register(
        TextClassificationTask.NAME,
        model,
        (folder, tokenizer, encoder) ->
            new TextClassificationTask(
                encoder, TextClassificationTask.NAME, tokenizer, Labels.of(folder)));
    register(
        TokenClassificationTask.NAME,
        model,
        (folder, tokenizer, encoder) ->
            new TokenClassificationTask(
                encoder, TokenClassificationTask.NAME, tokenizer, Labels.of(folder)));
    for (String name : List.of(RankingTask.NAME, "text-ranking", "ranking")) {
      register(
          name,
          model,
          (folder, tokenizer, encoder) ->
              new RankingTask(encoder, name, tokenizer, Labels.of(folder)));
    }
    register(
        QuestionAnsweringTask.NAME,
        model,
        (folder, tokenizer, encoder) -> new QuestionAnsweringTask(encoder, tokenizer));
    register(
        FillMaskTask.NAME,
        model,
        (folder, tokenizer, encoder) -> new FillMaskTask(encoder, tokenizer));
    register(
        ZeroShotClassificationTask.NAME,
        model,
        (folder, tokenizer, encoder) ->
            new ZeroShotClassificationTask(encoder, tokenizer, Labels.of(folder)));
  }

  /**
   * Registers a text encoder task: the tokenizer truncates at {@code maxLength}, and the encoder is
   * the folder's TorchScript or ONNX weights.
   */
  private static void register(
      String name,
      ToIntFunction<ModelFolder> maxLength,
      EncoderTaskMaker maker,
      OutputColumn... columns) {
    List<OutputColumn> declared = List.of(columns);
    FACTORIES.put(
        name,
        new TaskFactory() {
          @Override
          public Task<?, ?, ?> create(TaskContext context) throws IOException {
            ModelFolder folder = context.folder();
            TextTokenizer tokenizer = context.tokenizer(maxLength.applyAsInt(folder));
            Network network =
                context.keep(
                    EncoderStage.loadNetwork(folder, context.weights(), context.settings()));
            return maker.make(
                folder, tokenizer, new EncoderStage(folder, network, context.dtype(), tokenizer));
          }

          @Override
          public List<OutputColumn> outputColumns() {
            return declared;
          }
        });
  }

  @Override
  public Map<String, TaskFactory> tasks() {
    return Collections.unmodifiableMap(FACTORIES);
  }
}
