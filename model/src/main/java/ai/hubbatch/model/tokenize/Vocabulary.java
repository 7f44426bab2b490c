package ai.hubbatch.model.tokenize;

import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A tokenizer's token-to-id table and the special tokens the tasks look for, read from {@code
 * tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}.
 */
public final class Vocabulary {

  private final Map<String, Long> ids;
  private final String maskToken;
  private final String clsToken;
  private final String unkToken;

  private Vocabulary(Map<String, Long> ids, String maskToken, String clsToken, String unkToken) {
    this.ids = ids;
    this.maskToken = maskToken;
    this.clsToken = clsToken;
    this.unkToken = unkToken;
  }

  static Vocabulary of(ModelFolder folder) {
    JsonNode tokenizer = folder.json("tokenizer.json");
    Map<String, Long> ids = new HashMap<>();
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (vocab.isObject()) {
      vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asLong()));
    } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], the id is the position
      for (int i = 0; i < vocab.size(); i++) {
        ids.put(vocab.get(i).path(0).asText(), (long) i);
      }
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      ids.put(added.path("content").asText(), added.path("id").asLong());
    }
    JsonNode config = folder.json("tokenizer_config.json");
    JsonNode map = folder.json("special_tokens_map.json");
    String unk =
        special(config, map, "unk_token")
            .orElse(tokenizer.path("model").path("unk_token").asText(null));
    return new Vocabulary(
        ids,
        special(config, map, "mask_token").orElse(null),
        special(config, map, "cls_token").orElse(null),
        unk);
  }

  /** A special token from tokenizer_config.json or special_tokens_map.json, plain or AddedToken. */
  private static Optional<String> special(JsonNode config, JsonNode map, String key) {
    for (JsonNode source : new JsonNode[] {config, map}) {
      JsonNode value = source.path(key);
      if (value.isTextual()) {
        return Optional.of(value.asText());
      }
      if (value.path("content").isTextual()) {
        return Optional.of(value.path("content").asText());
      }
    }
    return Optional.empty();
  }

  /** The id of a token, as {@code get_vocab()} has it. */
  public OptionalLong id(String token) {
    Long id = token == null ? null : ids.get(token);
    return id == null ? OptionalLong.empty() : OptionalLong.of(id);
  }

  /** The mask token ({@code [MASK]}, {@code <mask>}), if the tokenizer defines one. */
  public Optional<String> maskToken() {
    return Optional.ofNullable(maskToken).filter(ids::containsKey);
  }

  public OptionalLong clsId() {
    return id(clsToken);
  }

  public OptionalLong unkId() {
    return id(unkToken);
  }
}
