package ai.hubbatch.model.task;

import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.SequenceLimits;
import ai.hubbatch.model.tokenize.TextTokenizer;

/** Makes a task for a model. One per task name, registered in {@link Tasks}. */
public interface TaskFactory {

  /** Tokens per sequence this task feeds the model; longer inputs are truncated. */
  default int maxLength(ModelFolder folder) {
    return SequenceLimits.modelMaximum(folder);
  }

  /** Creates the task; the tokenizer was built with {@link #maxLength}. */
  Task<?> create(ModelFolder folder, TextTokenizer tokenizer);
}
