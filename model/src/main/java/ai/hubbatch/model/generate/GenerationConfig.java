package ai.hubbatch.model.generate;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters of one generation, merged as transformers merges them, immutable.
 *
 * <p>Where values come from, lowest first:
 *
 * <ol>
 *   <li>transformers' {@code GenerationConfig} defaults ({@link #DEFAULTS}: greedy, {@code
 *       max_length} 20, {@code top_k} 50 when sampling, ...);
 *   <li>the model: its {@code generation_config.json} when it has one, otherwise the generation
 *       keys of {@code config.json} ({@link #fromModel}). transformers reads one or the other,
 *       never a mix;
 *   <li>{@code task_specific_params[task]} of {@code config.json}, which transformers' pipelines
 *       apply over the model's values ({@link #withTaskParameters}; the {@code prefix} entry is the
 *       task's to add to the input, not a generation parameter);
 *   <li>the request's {@code parameters} ({@link #withRequest}), validated: an unknown name is an
 *       error naming the accepted ones, and so is a value out of range or inconsistent with the
 *       others.
 * </ol>
 *
 * <p>Lengths follow transformers: {@code max_new_tokens}, when set, wins over {@code max_length}
 * (which counts the prompt: for an encoder-decoder, the decoder's start token), and {@code
 * min_new_tokens} over {@code min_length}; see {@link #maxLength(int)} and {@link #minLength(int)}.
 */
public final class GenerationConfig {

  /** When beam search stops, as transformers' {@code early_stopping}. */
  public enum EarlyStopping {
    /** As soon as {@code num_beams} hypotheses are finished. */
    TRUE,
    /** When no live beam can beat the finished ones, judged at the current length (default). */
    FALSE,
    /** Only when no live beam can beat the finished ones at any length (canonical). */
    NEVER
  }

  /** transformers' {@code max_length} default, used when neither length is set. */
  public static final int DEFAULT_MAX_LENGTH = 20;

  /** The names a request may set (and that the model's files may set). */
  public static final Set<String> PARAMETERS =
      Set.of(
          "max_new_tokens",
          "max_length",
          "min_new_tokens",
          "min_length",
          "do_sample",
          "temperature",
          "top_k",
          "top_p",
          "typical_p",
          "repetition_penalty",
          "no_repeat_ngram_size",
          "num_beams",
          "length_penalty",
          "early_stopping",
          "num_return_sequences",
          "eos_token_id",
          "pad_token_id",
          "bos_token_id",
          "decoder_start_token_id",
          "forced_bos_token_id",
          "forced_eos_token_id",
          "bad_words_ids",
          "stop_strings",
          "seed");

  /** transformers' defaults. */
  public static final GenerationConfig DEFAULTS =
      new GenerationConfig(
          null,
          null,
          null,
          null,
          false,
          1.0,
          50,
          1.0,
          1.0,
          1.0,
          0,
          1,
          1.0,
          EarlyStopping.FALSE,
          1,
          List.of(),
          null,
          null,
          null,
          null,
          List.of(),
          List.of(),
          List.of(),
          null);

  private final Integer maxNewTokens;
  private final Integer maxLength;
  private final Integer minNewTokens;
  private final Integer minLength;
  private final boolean doSample;
  private final double temperature;
  private final int topK;
  private final double topP;
  private final double typicalP;
  private final double repetitionPenalty;
  private final int noRepeatNgramSize;
  private final int numBeams;
  private final double lengthPenalty;
  private final EarlyStopping earlyStopping;
  private final int numReturnSequences;
  private final List<Integer> eosTokenIds;
  private final Integer padTokenId;
  private final Integer bosTokenId;
  private final Integer decoderStartTokenId;
  private final Integer forcedBosTokenId;
  private final List<Integer> forcedEosTokenIds;
  private final List<List<Integer>> badWordsIds;
  private final List<String> stopStrings;
  private final Long seed;

  @SuppressWarnings("checkstyle:ParameterNumber")
  private GenerationConfig(
      Integer maxNewTokens,
      Integer maxLength,
      Integer minNewTokens,
      Integer minLength,
      boolean doSample,
      double temperature,
      int topK,
      double topP,
      double typicalP,
      double repetitionPenalty,
      int noRepeatNgramSize,
      int numBeams,
      double lengthPenalty,
      EarlyStopping earlyStopping,
      int numReturnSequences,
      List<Integer> eosTokenIds,
      Integer padTokenId,
      Integer bosTokenId,
      Integer decoderStartTokenId,
      Integer forcedBosTokenId,
      List<Integer> forcedEosTokenIds,
      List<List<Integer>> badWordsIds,
      List<String> stopStrings,
      Long seed) {
    this.maxNewTokens = maxNewTokens;
    this.maxLength = maxLength;
    this.minNewTokens = minNewTokens;
    this.minLength = minLength;
    this.doSample = doSample;
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
    this.typicalP = typicalP;
    this.repetitionPenalty = repetitionPenalty;
    this.noRepeatNgramSize = noRepeatNgramSize;
    this.numBeams = numBeams;
    this.lengthPenalty = lengthPenalty;
    this.earlyStopping = earlyStopping;
    this.numReturnSequences = numReturnSequences;
    this.eosTokenIds = List.copyOf(eosTokenIds);
    this.padTokenId = padTokenId;
    this.bosTokenId = bosTokenId;
    this.decoderStartTokenId = decoderStartTokenId;
    this.forcedBosTokenId = forcedBosTokenId;
    this.forcedEosTokenIds = List.copyOf(forcedEosTokenIds);
    this.badWordsIds = badWordsIds.stream().map(List::copyOf).toList();
    this.stopStrings = List.copyOf(stopStrings);
    this.seed = seed;
  }

  /**
   * The model's configuration: {@code generation_config.json} when the model has one, otherwise the
   * generation keys of {@code config.json}; other keys are ignored.
   *
   * @param config config.json
   * @param generationConfig generation_config.json, or null when the model has none
   * @throws IllegalArgumentException naming the file and key of a value of the wrong type
   */
  public static GenerationConfig fromModel(JsonNode config, JsonNode generationConfig) {
    String file = generationConfig != null ? "generation_config.json" : "config.json";
    JsonNode source = generationConfig != null ? generationConfig : config;
    try {
      return DEFAULTS.with(source, file);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Applies {@code task_specific_params[task]} of config.json (all but its {@code prefix}), as
   * transformers' pipelines do for the task they run; unchanged when there is none.
   */
  public GenerationConfig withTaskParameters(JsonNode config, String task) {
    JsonNode params = config.path("task_specific_params").path(task);
    if (!params.isObject()) {
      return this;
    }
    try {
      return with(params, "config.json task_specific_params." + task);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Applies a request's parameters over this configuration and validates the result.
   *
   * @param parameters the request's {@code parameters} object (null or missing: none)
   * @param taskParameters names the task itself reads (such as {@code return_full_text}): they are
   *     accepted and left for the task
   * @throws InvalidRequestException for an unknown name (naming the accepted ones), a value of the
   *     wrong type, out of range or inconsistent with the others
   */
  public GenerationConfig withRequest(JsonNode parameters, Set<String> taskParameters) {
    if (parameters == null || parameters.isMissingNode() || parameters.isNull()) {
      return validated();
    }
    if (!parameters.isObject()) {
      throw new InvalidRequestException(
          "\"parameters\" must be an object, got " + JsonShapes.describe(parameters));
    }
    for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!PARAMETERS.contains(name) && !taskParameters.contains(name)) {
        Set<String> accepted = new TreeSet<>(PARAMETERS);
        accepted.addAll(taskParameters);
        throw new InvalidRequestException(
            "Unknown generation parameter \"" + name + "\"; the accepted ones are " + accepted);
      }
    }
    return with(parameters, "parameters").validated();
  }

  /** Reads the known keys of {@code node} over this configuration; nulls reset to defaults. */
  private GenerationConfig with(JsonNode node, String where) {
    Values values = new Values(node, where);
    GenerationConfig c = this;
    for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
      String name = entry.getKey();
      if (!PARAMETERS.contains(name)) {
        continue;
      }
      c =
          switch (name) {
            case "max_new_tokens" -> c.withMaxNewTokens(values.integer(name));
            case "max_length" -> c.withMaxLength(values.integer(name));
            case "min_new_tokens" -> c.withMinNewTokens(values.integer(name));
            case "min_length" -> c.withMinLength(values.integer(name));
            case "do_sample" -> c.withDoSample(values.bool(name, DEFAULTS.doSample));
            case "temperature" -> c.withTemperature(values.number(name, DEFAULTS.temperature));
            case "top_k" -> c.withTopK(values.integerOr(name, DEFAULTS.topK));
            case "top_p" -> c.withTopP(values.number(name, DEFAULTS.topP));
            case "typical_p" -> c.withTypicalP(values.number(name, DEFAULTS.typicalP));
            case "repetition_penalty" ->
                c.withRepetitionPenalty(values.number(name, DEFAULTS.repetitionPenalty));
            case "no_repeat_ngram_size" ->
                c.withNoRepeatNgramSize(values.integerOr(name, DEFAULTS.noRepeatNgramSize));
            case "num_beams" -> c.withNumBeams(values.integerOr(name, DEFAULTS.numBeams));
            case "length_penalty" ->
                c.withLengthPenalty(values.number(name, DEFAULTS.lengthPenalty));
            case "early_stopping" -> c.withEarlyStopping(values.earlyStopping(name));
            case "num_return_sequences" ->
                c.withNumReturnSequences(values.integerOr(name, DEFAULTS.numReturnSequences));
            case "eos_token_id" -> c.withEosTokenIds(values.ids(name));
            case "pad_token_id" -> c.withPadTokenId(values.integer(name));
            case "bos_token_id" -> c.withBosTokenId(values.integer(name));
            case "decoder_start_token_id" -> c.withDecoderStartTokenId(values.integer(name));
            case "forced_bos_token_id" -> c.withForcedBosTokenId(values.integer(name));
            case "forced_eos_token_id" -> c.withForcedEosTokenIds(values.ids(name));
            case "bad_words_ids" -> c.withBadWordsIds(values.idLists(name));
            case "stop_strings" -> c.withStopStrings(values.strings(name));
            case "seed" -> c.withSeed(values.longInteger(name));
            default -> throw new IllegalStateException(name);
          };
    }
    return c;
  }

  /**
   * This configuration if its values are in range and consistent.
   *
   * @throws InvalidRequestException naming the offending parameter and its accepted values
   */
  public GenerationConfig validated() {
    atLeast("max_new_tokens", maxNewTokens, 1);
    atLeast("max_length", maxLength, 1);
    atLeast("min_new_tokens", minNewTokens, 0);
    atLeast("min_length", minLength, 0);
    atLeast("top_k", topK, 0);
    atLeast("no_repeat_ngram_size", noRepeatNgramSize, 0);
    atLeast("num_beams", numBeams, 1);
    atLeast("num_return_sequences", numReturnSequences, 1);
    if (doSample && !(temperature > 0)) {
      throw invalid(
          "\"temperature\" must be a strictly positive number when sampling, got " + temperature);
    }
    if (temperature < 0 || Double.isNaN(temperature)) {
      throw invalid("\"temperature\" must not be negative, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw invalid("\"top_p\" must be greater than 0 and at most 1, got " + topP);
    }
    if (!(typicalP > 0 && typicalP <= 1)) {
      throw invalid("\"typical_p\" must be greater than 0 and at most 1, got " + typicalP);
    }
    if (!(repetitionPenalty > 0)) {
      throw invalid("\"repetition_penalty\" must be strictly positive, got " + repetitionPenalty);
    }
    if (Double.isNaN(lengthPenalty) || Double.isInfinite(lengthPenalty)) {
      throw invalid("\"length_penalty\" must be a finite number, got " + lengthPenalty);
    }
    if (!doSample && numReturnSequences > numBeams) {
      throw invalid(
          "\"num_return_sequences\" ("
              + numReturnSequences
              + ") must not exceed \"num_beams\" ("
              + numBeams
              + ") without sampling: greedy and beam search return at most num_beams sequences");
    }
    if (doSample && numBeams > 1) {
      throw invalid(
          "\"do_sample\" with \"num_beams\" > 1 (beam sampling) is not supported; sample with"
              + " num_beams 1 or search beams without do_sample");
    }
    if (maxNewTokens != null && minNewTokens != null && minNewTokens > maxNewTokens) {
      throw invalid(
          "\"min_new_tokens\" ("
              + minNewTokens
              + ") is larger than \"max_new_tokens\" ("
              + maxNewTokens
              + ")");
    }
    if (maxNewTokens == null && maxLength != null && minLength != null && minLength > maxLength) {
      throw invalid(
          "\"min_length\" (" + minLength + ") is larger than \"max_length\" (" + maxLength + ")");
    }
    for (String stop : stopStrings) {
      if (stop.isEmpty()) {
        throw invalid("\"stop_strings\" must not contain an empty string");
      }
    }
    return this;
  }

  private static void atLeast(String name, Integer value, int min) {
    if (value != null && value < min) {
      throw invalid("\"" + name + "\" must be at least " + min + ", got " + value);
    }
  }

  private static InvalidRequestException invalid(String message) {
    return new InvalidRequestException(message);
  }

  /**
   * The longest the sequence may grow, prompt included (transformers' {@code max_length}): the
   * prompt plus {@code max_new_tokens} when that is set, else {@code max_length}, else 20.
   *
   * @param promptLength the prompt's tokens (for an encoder-decoder, the decoder's start tokens)
   */
  public int maxLength(int promptLength) {
    if (maxNewTokens != null) {
      return promptLength + maxNewTokens;
    }
    return maxLength != null ? maxLength : DEFAULT_MAX_LENGTH;
  }

  /**
   * The new tokens this configuration allows after a prompt of that length.
   *
   * @throws InvalidRequestException when {@code max_length} leaves no room for a new token, as
   *     transformers refuses it
   */
  public int maxNewTokens(int promptLength) {
    int room = maxLength(promptLength) - promptLength;
    if (room < 1) {
      throw invalid(
          "The input is "
              + promptLength
              + " tokens long but \"max_length\" is "
              + maxLength(promptLength)
              + "; set \"max_new_tokens\" to choose how many tokens to generate");
    }
    return room;
  }

  /**
   * The length below which EOS is suppressed, prompt included: the prompt plus {@code
   * min_new_tokens} when that is set, else {@code min_length}, else 0.
   */
  public int minLength(int promptLength) {
    if (minNewTokens != null) {
      return promptLength + minNewTokens;
    }
    return minLength != null ? minLength : 0;
  }

  /** True when the next token is drawn at random (do_sample), false for greedy or beam search. */
  public boolean doSample() {
    return doSample;
  }

  public Integer maxNewTokens() {
    return maxNewTokens;
  }

  public Integer maxLength() {
    return maxLength;
  }

  public Integer minNewTokens() {
    return minNewTokens;
  }

  public Integer minLength() {
    return minLength;
  }

  public double temperature() {
    return temperature;
  }

  public int topK() {
    return topK;
  }

  public double topP() {
    return topP;
  }

  public double typicalP() {
    return typicalP;
  }

  public double repetitionPenalty() {
    return repetitionPenalty;
  }

  public int noRepeatNgramSize() {
    return noRepeatNgramSize;
  }

  public int numBeams() {
    return numBeams;
  }

  public double lengthPenalty() {
    return lengthPenalty;
  }

  public EarlyStopping earlyStopping() {
    return earlyStopping;
  }

  public int numReturnSequences() {
    return numReturnSequences;
  }

  /** The end-of-sequence ids (any ends a sequence), empty when the model names none. */
  public List<Integer> eosTokenIds() {
    return eosTokenIds;
  }

  /** The padding id; transformers falls back to the first EOS id when the model names none. */
  public Integer padTokenId() {
    if (padTokenId == null && !eosTokenIds.isEmpty()) {
      return eosTokenIds.get(0);
    }
    return padTokenId;
  }

  public Integer bosTokenId() {
    return bosTokenId;
  }

  /** The encoder-decoder's first decoder token; transformers falls back to {@code bos_token_id}. */
  public Integer decoderStartTokenId() {
    return decoderStartTokenId != null ? decoderStartTokenId : bosTokenId;
  }

  public Integer forcedBosTokenId() {
    return forcedBosTokenId;
  }

  public List<Integer> forcedEosTokenIds() {
    return forcedEosTokenIds;
  }

  public List<List<Integer>> badWordsIds() {
    return badWordsIds;
  }

  public List<String> stopStrings() {
    return stopStrings;
  }

  /** The request's seed for sampling, or null (then each record draws one at random). */
  public Long seed() {
    return seed;
  }

  public GenerationConfig withMaxNewTokens(Integer value) {
    return copy(b -> b.maxNewTokens = value);
  }

  public GenerationConfig withMaxLength(Integer value) {
    return copy(b -> b.maxLength = value);
  }

  public GenerationConfig withMinNewTokens(Integer value) {
    return copy(b -> b.minNewTokens = value);
  }

  public GenerationConfig withMinLength(Integer value) {
    return copy(b -> b.minLength = value);
  }

  public GenerationConfig withDoSample(boolean value) {
    return copy(b -> b.doSample = value);
  }

  public GenerationConfig withTemperature(double value) {
    return copy(b -> b.temperature = value);
  }

  public GenerationConfig withTopK(int value) {
    return copy(b -> b.topK = value);
  }

  public GenerationConfig withTopP(double value) {
    return copy(b -> b.topP = value);
  }

  public GenerationConfig withTypicalP(double value) {
    return copy(b -> b.typicalP = value);
  }

  public GenerationConfig withRepetitionPenalty(double value) {
    return copy(b -> b.repetitionPenalty = value);
  }

  public GenerationConfig withNoRepeatNgramSize(int value) {
    return copy(b -> b.noRepeatNgramSize = value);
  }

  public GenerationConfig withNumBeams(int value) {
    return copy(b -> b.numBeams = value);
  }

  public GenerationConfig withLengthPenalty(double value) {
    return copy(b -> b.lengthPenalty = value);
  }

  public GenerationConfig withEarlyStopping(EarlyStopping value) {
    return copy(b -> b.earlyStopping = Objects.requireNonNull(value));
  }

  public GenerationConfig withNumReturnSequences(int value) {
    return copy(b -> b.numReturnSequences = value);
  }

  public GenerationConfig withEosTokenIds(List<Integer> value) {
    return copy(b -> b.eosTokenIds = value);
  }

  public GenerationConfig withPadTokenId(Integer value) {
    return copy(b -> b.padTokenId = value);
  }

  public GenerationConfig withBosTokenId(Integer value) {
    return copy(b -> b.bosTokenId = value);
  }

  public GenerationConfig withDecoderStartTokenId(Integer value) {
    return copy(b -> b.decoderStartTokenId = value);
  }

  public GenerationConfig withForcedBosTokenId(Integer value) {
    return copy(b -> b.forcedBosTokenId = value);
  }

  public GenerationConfig withForcedEosTokenIds(List<Integer> value) {
    return copy(b -> b.forcedEosTokenIds = value);
  }

  public GenerationConfig withBadWordsIds(List<List<Integer>> value) {
    return copy(b -> b.badWordsIds = value);
  }

  public GenerationConfig withStopStrings(List<String> value) {
    return copy(b -> b.stopStrings = value);
  }

  public GenerationConfig withSeed(Long value) {
    return copy(b -> b.seed = value);
  }

  private GenerationConfig copy(java.util.function.Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** The mutable twin the withX copies go through. */
  private static final class Builder {
    Integer maxNewTokens;
    Integer maxLength;
    Integer minNewTokens;
    Integer minLength;
    boolean doSample;
    double temperature;
    int topK;
    double topP;
    double typicalP;
    double repetitionPenalty;
    int noRepeatNgramSize;
    int numBeams;
    double lengthPenalty;
    EarlyStopping earlyStopping;
    int numReturnSequences;
    List<Integer> eosTokenIds;
    Integer padTokenId;
    Integer bosTokenId;
    Integer decoderStartTokenId;
    Integer forcedBosTokenId;
    List<Integer> forcedEosTokenIds;
    List<List<Integer>> badWordsIds;
    List<String> stopStrings;
    Long seed;

    Builder(GenerationConfig c) {
      maxNewTokens = c.maxNewTokens;
      maxLength = c.maxLength;
      minNewTokens = c.minNewTokens;
      minLength = c.minLength;
      doSample = c.doSample;
      temperature = c.temperature;
      topK = c.topK;
      topP = c.topP;
      typicalP = c.typicalP;
      repetitionPenalty = c.repetitionPenalty;
      noRepeatNgramSize = c.noRepeatNgramSize;
      numBeams = c.numBeams;
      lengthPenalty = c.lengthPenalty;
      earlyStopping = c.earlyStopping;
      numReturnSequences = c.numReturnSequences;
      eosTokenIds = c.eosTokenIds;
      padTokenId = c.padTokenId;
      bosTokenId = c.bosTokenId;
      decoderStartTokenId = c.decoderStartTokenId;
      forcedBosTokenId = c.forcedBosTokenId;
      forcedEosTokenIds = c.forcedEosTokenIds;
      badWordsIds = c.badWordsIds;
      stopStrings = c.stopStrings;
      seed = c.seed;
    }

    GenerationConfig build() {
      return new GenerationConfig(
          maxNewTokens,
          maxLength,
          minNewTokens,
          minLength,
          doSample,
          temperature,
          topK,
          topP,
          typicalP,
          repetitionPenalty,
          noRepeatNgramSize,
          numBeams,
          lengthPenalty,
          earlyStopping,
          numReturnSequences,
          eosTokenIds,
          padTokenId,
          bosTokenId,
          decoderStartTokenId,
          forcedBosTokenId,
          forcedEosTokenIds,
          badWordsIds,
          stopStrings,
          seed);
    }
  }

  /** Typed reads of one JSON object, with errors that name where the value came from. */
  private record Values(JsonNode node, String where) {

    private InvalidRequestException wrong(String name, String expected) {
      return new InvalidRequestException(
          where
              + ": \""
              + name
              + "\" must be "
              + expected
              + ", got "
              + JsonShapes.describe(node.get(name)));
    }

    private boolean absent(String name) {
      return node.get(name) == null || node.get(name).isNull();
    }

    Integer integer(String name) {
      if (absent(name)) {
        return null;
      }
      JsonNode value = node.get(name);
      if (!value.isNumber() || value.asDouble() % 1 != 0 || !value.canConvertToInt()) {
        throw wrong(name, "an integer");
      }
      return value.asInt();
    }

    int integerOr(String name, int fallback) {
      Integer value = integer(name);
      return value != null ? value : fallback;
    }

    Long longInteger(String name) {
      if (absent(name)) {
        return null;
      }
      JsonNode value = node.get(name);
      if (!value.isNumber() || value.asDouble() % 1 != 0 || !value.canConvertToLong()) {
        throw wrong(name, "an integer");
      }
      return value.asLong();
    }

    double number(String name, double fallback) {
      if (absent(name)) {
        return fallback;
      }
      JsonNode value = node.get(name);
      if (!value.isNumber()) {
        throw wrong(name, "a number");
      }
      return value.asDouble();
    }

    boolean bool(String name, boolean fallback) {
      if (absent(name)) {
        return fallback;
      }
      if (!node.get(name).isBoolean()) {
        throw wrong(name, "true or false");
      }
      return node.get(name).asBoolean();
    }

    EarlyStopping earlyStopping(String name) {
      if (absent(name)) {
        return DEFAULTS.earlyStopping;
      }
      JsonNode value = node.get(name);
      if (value.isBoolean()) {
        return value.asBoolean() ? EarlyStopping.TRUE : EarlyStopping.FALSE;
      }
      if (value.isTextual() && value.asText().equals("never")) {
        return EarlyStopping.NEVER;
      }
      throw wrong(name, "true, false or \"never\"");
    }

    /** An id or a list of ids (non-negative), as a list; empty when absent. */
    List<Integer> ids(String name) {
      if (absent(name)) {
        return List.of();
      }
      JsonNode value = node.get(name);
      List<Integer> ids = new ArrayList<>();
      for (JsonNode item : value.isArray() ? value : List.of(value)) {
        if (!item.isIntegralNumber() || !item.canConvertToInt() || item.asInt() < 0) {
          throw wrong(name, "a token id or a list of token ids (integers of at least 0)");
        }
        ids.add(item.asInt());
      }
      return ids;
    }

    List<List<Integer>> idLists(String name) {
      if (absent(name)) {
        return List.of();
      }
      JsonNode value = node.get(name);
      String expected = "a list of non-empty lists of token ids";
      if (!value.isArray()) {
        throw wrong(name, expected);
      }
      List<List<Integer>> lists = new ArrayList<>();
      for (JsonNode list : value) {
        if (!list.isArray() || list.isEmpty()) {
          throw wrong(name, expected);
        }
        List<Integer> ids = new ArrayList<>();
        for (JsonNode item : list) {
          if (!item.isIntegralNumber() || !item.canConvertToInt() || item.asInt() < 0) {
            throw wrong(name, expected);
          }
          ids.add(item.asInt());
        }
        lists.add(ids);
      }
      return lists;
    }

    List<String> strings(String name) {
      if (absent(name)) {
        return List.of();
      }
      JsonNode value = node.get(name);
      List<String> strings = new ArrayList<>();
      for (JsonNode item : value.isArray() ? value : List.of(value)) {
        if (!item.isTextual()) {
          throw wrong(name, "a string or a list of strings");
        }
        strings.add(item.asText());
      }
      return strings;
    }
  }
}
