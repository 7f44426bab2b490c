package ai.hubbatch.model.audio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The decoder prompt Whisper's generation starts from, as transformers' {@code
 * _retrieve_init_tokens} builds it from {@code generation_config.json}: {@code
 * <|startoftranscript|>}, the language (asked for, or else {@code forced_decoder_ids}' or the one
 * the model detects), the task, and {@code <|notimestamps|>} unless timestamps are asked for.
 * {@code language} is a code ({@code de}), a name ({@code german}) or a token ({@code <|de|>});
 * {@code task} is {@code transcribe} or {@code translate}; both are refused, with the reason, for
 * an English-only model and for values the model does not have. Immutable.
 */
public final class WhisperPrompt {

  private final long startOfTranscript;
  private final boolean multilingual;
  private final Map<String, Long> languages;
  private final Map<String, Long> tasks;
  private final Long noTimestamps;
  private final List<Long> forced;

  private WhisperPrompt(
      long startOfTranscript,
      boolean multilingual,
      Map<String, Long> languages,
      Map<String, Long> tasks,
      Long noTimestamps,
      List<Long> forced) {
    this.startOfTranscript = startOfTranscript;
    this.multilingual = multilingual;
    this.languages = languages;
    this.tasks = tasks;
    this.noTimestamps = noTimestamps;
    this.forced = forced;
  }

  /**
   * The prompt of a model with this {@code generation_config.json} and {@code config.json} (the
   * latter for {@code forced_decoder_ids} where the former has none).
   */
  public static WhisperPrompt fromConfig(JsonNode generationConfig, JsonNode config) {
    JsonNode start = generationConfig.path("decoder_start_token_id");
    if (!start.isIntegralNumber()) {
      start = config.path("decoder_start_token_id");
    }
    if (!start.isIntegralNumber()) {
      throw new IllegalArgumentException(
          "generation_config.json has no decoder_start_token_id: not a Whisper model");
    }
    JsonNode forcedIds = generationConfig.path("forced_decoder_ids");
    if (!forcedIds.isArray()) {
      forcedIds = config.path("forced_decoder_ids");
    }
    List<Long> forced = new ArrayList<>();
    if (forcedIds.isArray() && !forcedIds.isEmpty() && forcedIds.get(0).get(0).asInt() == 1) {
      int index = 1;
      for (JsonNode pair : forcedIds) {
        if (pair.get(0).asInt() != index) {
          throw new IllegalArgumentException(
              "forced_decoder_ids "
                  + forcedIds
                  + " do not follow Whisper's prompt pattern: they need an entry for every index"
                  + " from 1 on");
        }
        forced.add(pair.get(1).isNull() ? null : pair.get(1).asLong());
        index++;
      }
    }
    return new WhisperPrompt(
        start.asLong(),
        generationConfig.path("is_multilingual").asBoolean(generationConfig.has("lang_to_id")),
        ids(generationConfig.path("lang_to_id")),
        ids(generationConfig.path("task_to_id")),
        generationConfig.path("no_timestamps_token_id").isIntegralNumber()
            ? generationConfig.path("no_timestamps_token_id").asLong()
            : null,
        forced);
  }

  private static Map<String, Long> ids(JsonNode map) {
    Map<String, Long> ids = new HashMap<>();
    map.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asLong()));
    return ids;
  }

  /** Whether the model has language and task tokens. */
  public boolean multilingual() {
    return multilingual;
  }

  /** Whether {@link #tokens} will call its detector for these options. */
  public boolean detectsLanguage(String language, String task) {
    return language == null
        && !languages.isEmpty()
        && (task != null || forced.isEmpty() || forced.get(0) == null);
  }

  /**
   * The prompt's token ids.
   *
   * @param language the language asked for, or null
   * @param task the task asked for, or null
   * @param timestamps whether timestamps are asked for
   * @param detectLanguage gives the language token the model detects (see {@link
   *     #detectedLanguage}); called only when the prompt needs it
   * @throws IllegalArgumentException for a language or task the model does not take
   */
  public long[] tokens(
      String language, String task, boolean timestamps, LongSupplier detectLanguage) {
    if (!multilingual && (language != null || task != null)) {
      throw new IllegalArgumentException(
          "Cannot specify `task` or `language` for an English-only model. If the model is"
              + " intended to be multilingual, set is_multilingual in its generation config.");
    }
    List<Long> prompt = new ArrayList<>();
    prompt.add(startOfTranscript);
    if (language == null && task == null) {
      prompt.addAll(forced);
    }
    boolean languageUndefined = prompt.size() <= 1 || prompt.get(1) == null;
    Long languageId = null;
    if (language != null) {
      languageId = languageId(language);
    } else if (!languages.isEmpty() && languageUndefined) {
      languageId = detectLanguage.getAsLong();
    }
    if (languageId != null) {
      if (prompt.size() > 1) {
        prompt.set(1, languageId);
      } else {
        prompt.add(languageId);
      }
    }
    if (task != null) {
      Long taskId = tasks.get(task);
      if (!(task.equals("transcribe") || task.equals("translate")) || taskId == null) {
        throw new IllegalArgumentException(
            "The `"
                + task
                + "` task is not supported. The task should be one of "
                + (tasks.isEmpty() ? "[translate, transcribe]" : tasks.keySet()));
      }
      prompt.add(taskId);
    } else if (language != null && !tasks.isEmpty() && !containsAny(prompt, tasks.values())) {
      prompt.add(tasks.get("transcribe"));
    }
    Long last = prompt.get(prompt.size() - 1);
    if (!timestamps && noTimestamps != null && !noTimestamps.equals(last)) {
      prompt.add(noTimestamps);
    } else if (timestamps && noTimestamps != null && noTimestamps.equals(last)) {
      prompt.remove(prompt.size() - 1);
    }
    return prompt.stream().filter(id -> id != null).mapToLong(Long::longValue).toArray();
  }

  /**
   * The language token the model detects: the best of the language tokens in the logits of the step
   * after {@code <|startoftranscript|>} alone (the first on ties).
   */
  public long detectedLanguage(float[] logits) {
    long best = -1;
    for (long id : languages.values()) {
      if (id < logits.length
          && (best < 0
              || logits[(int) id] > logits[(int) best]
              || logits[(int) id] == logits[(int) best] && id < best)) {
        best = id;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("the model has no language tokens to detect");
    }
    return best;
  }

  private long languageId(String language) {
    String lower = language.toLowerCase(Locale.ROOT);
    String token;
    if (languages.containsKey(lower)) {
      token = lower;
    } else if (WhisperLanguages.codeOfName(lower).isPresent()) {
      token = "<|" + WhisperLanguages.codeOfName(lower).get() + "|>";
    } else if (WhisperLanguages.isCode(lower)) {
      token = "<|" + lower + "|>";
    } else {
      throw new IllegalArgumentException(
          "Unsupported language: "
              + lower
              + ". Language should be one of: "
              + (lower.length() == 2 ? WhisperLanguages.codes() : WhisperLanguages.names())
              + ".");
    }
    Long id = languages.get(token);
    if (id == null) {
      throw new IllegalArgumentException(
          token
              + " is not supported by this specific model as it is not in the"
              + " generation_config's lang_to_id (it has "
              + languages.keySet()
              + ")");
    }
    return id;
  }

  private static boolean containsAny(List<Long> prompt, Collection<Long> ids) {
    return prompt.stream().anyMatch(ids::contains);
  }
}
