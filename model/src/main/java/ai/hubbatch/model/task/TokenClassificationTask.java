package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.task.EntityAggregator.PreEntity;
import ai.hubbatch.model.task.EntityAggregator.Strategy;
import ai.hubbatch.model.tokenize.CodePoints;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code token-classification} (alias {@code ner}): transformers' {@code
 * TokenClassificationPipeline} over a token classifier's {@code logits}.
 *
 * <p>{@code inputs}: a string or a list of strings. Parameters: {@code aggregation_strategy}
 * ({@code none}, {@code simple}, {@code first}, {@code average}, {@code max}), {@code
 * ignore_labels} (default {@code ["O"]}), and the deprecated {@code grouped_entities} and {@code
 * ignore_subwords}. Entities carry {@code start}/{@code end} as code point offsets into the
 * original string, and words rebuilt from their subwords.
 */
final class TokenClassificationTask extends EncoderTask<TokenClassificationTask.State> {

  static final String NAME = "token-classification";
  private static final Set<String> PARAMETERS =
      Set.of("aggregation_strategy", "ignore_labels", "grouped_entities", "ignore_subwords");

  record State(
      TextInputs inputs,
      List<TokenizedText> sequences,
      Strategy strategy,
      List<String> ignoreLabels) {}

  private final String name;
  private final TextTokenizer tokenizer;
  private final Labels labels;

  TokenClassificationTask(
      EncoderStage encoder, String name, TextTokenizer tokenizer, Labels labels) {
    super(encoder);
    this.name = name;
    this.tokenizer = tokenizer;
    this.labels = labels;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Prepared<TokenizedText, State> prepare(InferenceRequest request) {
    Parameters parameters = Parameters.of(request.parameters(), name, PARAMETERS);
    TextInputs inputs = TextInputs.parse(request.inputs(), name);
    List<TokenizedText> sequences = new ArrayList<>();
    for (String text : inputs.texts()) {
      sequences.add(tokenizer.encode(text));
    }
    List<String> ignore = parameters.strings("ignore_labels");
    State state =
        new State(inputs, sequences, strategy(parameters), ignore == null ? List.of("O") : ignore);
    return new Prepared<>(sequences, state);
  }

  private Strategy strategy(Parameters parameters) {
    Strategy strategy = Strategy.NONE;
    if (parameters.has("grouped_entities") || parameters.has("ignore_subwords")) {
      boolean grouped = parameters.bool("grouped_entities", false);
      boolean ignoreSubwords = parameters.bool("ignore_subwords", false);
      strategy = grouped ? (ignoreSubwords ? Strategy.FIRST : Strategy.SIMPLE) : Strategy.NONE;
    }
    String named = parameters.string("aggregation_strategy", null);
    if (named != null) {
      strategy = Strategy.parse(named);
      if (strategy == null) {
        throw new InvalidRequestException(
            name
                + ": \"aggregation_strategy\" must be none, "
                + "simple, first, average or max, got \""
                + named
                + "\"");
      }
    }
    return strategy;
  }

  @Override
  public JsonNode respond(State state, List<SequenceOutput> outputs) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ArrayNode all = nodes.arrayNode(outputs.size());
    EntityAggregator aggregator =
        new EntityAggregator(state.strategy(), labels::name, tokenizer::join);
    for (int i = 0; i < outputs.size(); i++) {
      SequenceOutput output = outputs.get(i);
      int logits = output.indexOf("logits", 0);
      List<PreEntity> tokens =
          preEntities(
              state.inputs().texts().get(i),
              state.sequences().get(i),
              output.tokens(logits),
              output.width(logits));
      ArrayNode entities = nodes.arrayNode();
      for (ObjectNode entity : aggregator.aggregate(tokens)) {
        String label =
            entity.has("entity")
                ? entity.get("entity").asText()
                : entity.get("entity_group").asText();
        if (!state.ignoreLabels().contains(label)) {
          entities.add(entity);
        }
      }
      all.add(entities);
    }
    return state.inputs().single() ? all.get(0) : all;
  }

  /** {@code gather_pre_entities}: scored tokens, special tokens left out. */
  List<PreEntity> preEntities(String sentence, TokenizedText sequence, float[] logits, int width) {
    CodePoints text = CodePoints.of(sentence);
    long[] special = sequence.specialTokenMask();
    String[] words = sequence.tokens();
    long[] ids = sequence.ids();
    OptionalLong unk = tokenizer.vocabulary().unkId();
    List<PreEntity> tokens = new ArrayList<>();
    for (int i = 0; i < sequence.length(); i++) {
      if (special[i] != 0) {
        continue;
      }
      int start = sequence.start(i);
      int end = sequence.end(i);
      String word = words[i];
      String reference = text.slice(start, end);
      boolean subword;
      if (tokenizer.wordAware()) {
        // WordPiece marks continuations, so a token longer than its text is a subword.
        subword = word.codePointCount(0, word.length()) != end - start;
      } else {
        // transformers' fallback heuristic: no space at or just before the token's start.
        subword = start > 0 && !text.slice(start - 1, start + 1).contains(" ");
      }
      if (unk.isPresent() && ids[i] == unk.getAsLong()) {
        word = reference;
        subword = false;
      }
      tokens.add(
          new PreEntity(word, Scores.softmax(logits, i * width, width), start, end, i, subword));
    }
    return tokens;
  }
}
