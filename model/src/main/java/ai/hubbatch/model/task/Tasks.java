package ai.hubbatch.model.task;

import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.SequenceLimits;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The tasks hubbatch runs, by the names {@code HF_TASK} uses. */
public final class Tasks {

  private static final Map<String, TaskFactory> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put(
        FeatureExtractionTask.NAME, (folder, tokenizer) -> new FeatureExtractionTask(tokenizer));
    FACTORIES.put(
        SentenceEmbeddingsTask.NAME,
        sentenceTransformers(
            (folder, tokenizer) -> new SentenceEmbeddingsTask(tokenizer, Pooling.of(folder))));
    FACTORIES.put(
        SentenceSimilarityTask.NAME,
        sentenceTransformers(
            (folder, tokenizer) -> new SentenceSimilarityTask(tokenizer, Pooling.of(folder))));
    // Aliases (sentiment-analysis, ner) reach these through TaskInference.canonical.
    FACTORIES.put(
        TextClassificationTask.NAME,
        (folder, tokenizer) ->
            new TextClassificationTask(TextClassificationTask.NAME, tokenizer, Labels.of(folder)));
    FACTORIES.put(
        TokenClassificationTask.NAME,
        (folder, tokenizer) ->
            new TokenClassificationTask(
                TokenClassificationTask.NAME, tokenizer, Labels.of(folder)));
    for (String name : List.of(RankingTask.NAME, "text-ranking", "ranking")) {
      FACTORIES.put(
          name, (folder, tokenizer) -> new RankingTask(name, tokenizer, Labels.of(folder)));
    }
    FACTORIES.put(
        QuestionAnsweringTask.NAME, (folder, tokenizer) -> new QuestionAnsweringTask(tokenizer));
    FACTORIES.put(FillMaskTask.NAME, (folder, tokenizer) -> new FillMaskTask(tokenizer));
    FACTORIES.put(
        ZeroShotClassificationTask.NAME,
        (folder, tokenizer) -> new ZeroShotClassificationTask(tokenizer, Labels.of(folder)));
  }

  /** A task truncated at sentence-transformers' {@code max_seq_length}. */
  private static TaskFactory sentenceTransformers(TaskFactory factory) {
    return new TaskFactory() {
      @Override
      public int maxLength(ModelFolder folder) {
        return SequenceLimits.sentenceTransformersMaximum(folder);
      }

      @Override
      public Task<?> create(ModelFolder folder, TextTokenizer tokenizer) {
        return factory.create(folder, tokenizer);
      }
    };
  }

  private Tasks() {}

  /**
   * The factory for a task name.
   *
   * @throws IllegalArgumentException listing the tasks hubbatch runs when it does not run this
   */
  public static TaskFactory factory(String name) {
    TaskFactory factory = FACTORIES.get(TaskInference.family(TaskInference.canonical(name)));
    if (factory == null) {
      throw new IllegalArgumentException(
          "hubbatch does not run the task '"
              + name
              + "'. Tasks it runs: "
              + String.join(", ", FACTORIES.keySet()));
    }
    return factory;
  }
}
