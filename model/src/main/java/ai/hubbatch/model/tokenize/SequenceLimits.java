package ai.hubbatch.model.tokenize;

import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * How many tokens a model takes per sequence, read from its files, so long inputs are truncated
 * instead of crashing the model (the toolkit's issue #37).
 */
public final class SequenceLimits {

  /** Architectures whose position ids start after the padding id and so lose two positions. */
  private static final Set<String> OFFSET_POSITIONS =
      Set.of("roberta", "xlm-roberta", "camembert", "longformer", "bart", "mbart", "data2vec-text");

  private static final int FALLBACK = 512;

  private SequenceLimits() {}

  /**
   * The model's maximum: {@code tokenizer_config.json}'s {@code model_max_length} when it is a real
   * number (the Hub uses 1e30 for "none"), capped by {@code config.json}'s position embeddings; 512
   * when the folder says nothing.
   */
  public static int modelMaximum(ModelFolder folder) {
    int limit = Integer.MAX_VALUE;
    JsonNode fromTokenizer = folder.json("tokenizer_config.json").path("model_max_length");
    if (fromTokenizer.isNumber() && fromTokenizer.asDouble() <= 1_000_000) {
      limit = fromTokenizer.asInt();
    }
    JsonNode positions = folder.config().path("max_position_embeddings");
    if (positions.isIntegralNumber()) {
      String type = folder.config().path("model_type").asText("");
      int usable = positions.asInt() - (OFFSET_POSITIONS.contains(type) ? 2 : 0);
      limit = Math.min(limit, usable);
    }
    return limit == Integer.MAX_VALUE ? FALLBACK : limit;
  }

  /**
   * The sentence-transformers maximum ({@code sentence_bert_config.json}'s {@code max_seq_length})
   * when the folder has one, else {@link #modelMaximum}.
   */
  public static int sentenceTransformersMaximum(ModelFolder folder) {
    JsonNode configured = folder.json("sentence_bert_config.json").path("max_seq_length");
    int model = modelMaximum(folder);
    return configured.isIntegralNumber() ? Math.min(configured.asInt(), model) : model;
  }
}
