package ai.hubbatch.model.task;

import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.SequenceLimits;
import ai.hubbatch.model.tokenize.TextTokenizer;
import java.util.Map;
import java.util.TreeMap;

/** The tasks hubbatch runs, by the names {@code HF_TASK} uses. */
public final class Tasks {

  private static final Map<String, TaskFactory> FACTORIES = new TreeMap<>();

  static {
    FACTORIES.put(FeatureExtractionTask.NAME, (folder, tokenizer) ->
        new FeatureExtractionTask(tokenizer));
    FACTORIES.put(SentenceEmbeddingsTask.NAME, new TaskFactory() {
      @Override
      public int maxLength(ModelFolder folder) {
        return SequenceLimits.sentenceTransformersMaximum(folder);
      }

      @Override
      public Task<?> create(ModelFolder folder, TextTokenizer tokenizer) {
        return new SentenceEmbeddingsTask(tokenizer, Pooling.of(folder));
      }
    });
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
          "hubbatch does not run the task '" + name + "'. Tasks it runs: "
              + String.join(", ", FACTORIES.keySet()));
    }
    return factory;
  }
}
