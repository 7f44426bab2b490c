package ai.hubbatch.samples.keywords;

import ai.hubbatch.model.task.TaskFactory;
import ai.hubbatch.model.task.TaskHooks;
import ai.hubbatch.model.task.TaskProvider;
import ai.hubbatch.model.task.Tasks;
import java.util.Map;

/**
 * Provides {@code keyword-tagging}: the built-in text-classification task between the {@link
 * KeywordHooks}. hubbatch finds this class through {@code
 * META-INF/services/ai.hubbatch.model.task.TaskProvider} in the jar.
 */
public final class KeywordTasks implements TaskProvider {

  /** The task's name, as {@code --task} or {@code HF_TASK} selects it. */
  public static final String NAME = "keyword-tagging";

  /** Set when this class loads, so the sample's test can prove an untrusted model loads none. */
  public static final String LOADED = "ai.hubbatch.samples.keywords.loaded";

  static {
    System.setProperty(LOADED, "true");
  }

  @Override
  public Map<String, TaskFactory> tasks() {
    return Map.of(
        NAME,
        context ->
            TaskHooks.wrap(
                NAME, Tasks.factory("text-classification").create(context), new KeywordHooks()));
  }
}
