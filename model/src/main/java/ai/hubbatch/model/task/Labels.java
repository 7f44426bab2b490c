package ai.hubbatch.model.task;

import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A classifier's labels from {@code config.json}: {@code id2label}, {@code label2id}. */
public final class Labels {

  private final JsonNode config;

  private Labels(JsonNode config) {
    this.config = config;
  }

  public static Labels of(ModelFolder folder) {
    return new Labels(folder.config());
  }

  /** {@code id2label[i]}, or transformers' default name {@code LABEL_i}. */
  public String name(int index) {
    return config.path("id2label").path(String.valueOf(index)).asText("LABEL_" + index);
  }

  /** {@code num_labels}: the id2label size, when the config has one. */
  public int count(int fallback) {
    JsonNode names = config.path("id2label");
    return names.isObject() && names.size() > 0 ? names.size() : fallback;
  }

  public String problemType() {
    return config.path("problem_type").asText("");
  }

  /**
   * The id of the first label that starts with "entail" in {@code label2id} order, as the zero-shot
   * pipeline finds it; -1 when there is none.
   */
  public int entailmentId() {
    List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
    config.path("label2id").fields().forEachRemaining(entries::add);
    for (Map.Entry<String, JsonNode> entry : entries) {
      if (entry.getKey().toLowerCase(Locale.ROOT).startsWith("entail")) {
        return entry.getValue().asInt();
      }
    }
    return -1;
  }

  public JsonNode config() {
    return config;
  }
}
