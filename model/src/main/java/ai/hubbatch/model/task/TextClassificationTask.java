package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code text-classification} (alias {@code sentiment-analysis}): transformers' {@code
 * TextClassificationPipeline} over a sequence classifier's {@code logits}.
 *
 * <p>{@code inputs}: a string, a pair {@code {"text": .., "text_pair": ..}}, or a list of them.
 * Parameters: {@code top_k} (an integer, or null for every label), the legacy {@code
 * return_all_scores}, and {@code function_to_apply} ({@code softmax}, {@code sigmoid}, {@code
 * none}; by default sigmoid for multi-label or single-label models, none for regression, softmax
 * otherwise).
 *
 * <p>The response shapes follow the pipeline's quirks: without {@code top_k} a string gives {@code
 * [{"label", "score"}]} and a pair gives the bare object; with {@code top_k} each input gives a
 * list sorted by score.
 */
final class TextClassificationTask extends EncoderTask<TextClassificationTask.State> {

  static final String NAME = "text-classification";
  private static final Set<String> PARAMETERS =
      Set.of("top_k", "return_all_scores", "function_to_apply");

  enum Function {
    SOFTMAX,
    SIGMOID,
    NONE
  }

  record Item(String text, String pair) {}

  /** What the response needs: the input shape and the post-processing options. */
  record State(List<Item> items, JsonNode shape, Integer topK, boolean legacy, Function function) {}

  private final String name;
  private final TextTokenizer tokenizer;
  private final Labels labels;

  TextClassificationTask(
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
    List<Item> items = items(request.inputs());
    Integer topK = 1;
    boolean legacy = true;
    if (parameters.has("top_k")) {
      topK = parameters.isNull("top_k") ? null : parameters.atLeast("top_k", 1, 1);
      legacy = false;
    } else {
      JsonNode all =
          parameters.has("return_all_scores")
              ? parameters.raw("return_all_scores")
              : labels.config().path("return_all_scores");
      if (all.isBoolean() && all.asBoolean()) {
        topK = null;
      }
    }
    String function = parameters.string("function_to_apply", null);
    State state =
        new State(
            items, request.inputs(), topK, legacy, function == null ? null : function(function));
    List<TokenizedText> sequences = new ArrayList<>(items.size());
    for (Item item : items) {
      sequences.add(
          item.pair() == null
              ? tokenizer.encode(item.text())
              : tokenizer.encode(item.text(), item.pair()));
    }
    return new Prepared<>(sequences, state);
  }

  private Function function(String value) {
    try {
      return Function.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(
          name
              + ": \"function_to_apply\" must be softmax, sigmoid "
              + "or none, got \""
              + value
              + "\"");
    }
  }

  private List<Item> items(JsonNode inputs) {
    if (inputs.isArray()) {
      List<Item> items = new ArrayList<>(inputs.size());
      for (int i = 0; i < inputs.size(); i++) {
        items.add(item(inputs.get(i), "inputs[" + i + "]"));
      }
      return items;
    }
    return List.of(item(inputs, "inputs"));
  }

  private Item item(JsonNode input, String where) {
    if (input.isTextual()) {
      return new Item(input.asText(), null);
    }
    if (input.isObject()
        && input.path("text").isTextual()
        && (input.path("text_pair").isTextual() || !input.has("text_pair"))
        && input.size() == (input.has("text_pair") ? 2 : 1)) {
      return new Item(
          input.get("text").asText(),
          input.has("text_pair") ? input.get("text_pair").asText() : null);
    }
    String hint =
        input.isArray()
            ? ". To send a text pair, send {\"text\": \"My text\", \"text_pair\": \"My pair\"}"
            : "";
    throw new InvalidRequestException(
        name
            + " expects \"inputs\" to be a string, "
            + "{\"text\": .., \"text_pair\": ..}, or a list of those, but "
            + where
            + " is "
            + JsonShapes.describe(input)
            + hint);
  }

  @Override
  public JsonNode respond(State state, List<SequenceOutput> outputs) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    List<JsonNode> results = new ArrayList<>(outputs.size());
    for (SequenceOutput output : outputs) {
      float[] logits = output.row(output.indexOf("logits", 0));
      results.add(result(state, scores(state.function(), logits)));
    }
    if (state.shape().isArray()) {
      ArrayNode all = nodes.arrayNode(results.size());
      results.forEach(all::add);
      return all;
    }
    JsonNode result = results.get(0);
    // The pipeline wraps a single string's result in a list, but only in its legacy mode.
    if (state.shape().isTextual() && state.legacy()) {
      return nodes.arrayNode(1).add(result);
    }
    return result;
  }

  /** The scores of one sequence, by the requested function or the config's default. */
  double[] scores(Function requested, float[] logits) {
    Function function = requested != null ? requested : defaultFunction(logits.length);
    switch (function) {
      case SIGMOID:
        return Scores.sigmoid(logits);
      case SOFTMAX:
        return Scores.softmax(logits);
      default:
        return Scores.identity(logits);
    }
  }

  private Function defaultFunction(int width) {
    String problem = labels.problemType();
    int count = labels.count(width);
    if (problem.equals("regression")) {
      return Function.NONE;
    }
    if (problem.equals("multi_label_classification") || count == 1) {
      return Function.SIGMOID;
    }
    if (problem.equals("single_label_classification") || count > 1) {
      return Function.SOFTMAX;
    }
    String configured = labels.config().path("function_to_apply").asText("none");
    return function(configured);
  }

  private JsonNode result(State state, double[] scores) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (state.legacy() && state.topK() != null) {
      int best = Scores.argmax(scores);
      return entry(labels.name(best), scores[best]);
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int count = scores.length;
    if (!state.legacy()) {
      // Python's sort is stable: equal scores keep label order.
      Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
      if (state.topK() != null) {
        count = Math.min(count, state.topK());
      }
    }
    ArrayNode list = nodes.arrayNode(count);
    for (int i = 0; i < count; i++) {
      list.add(entry(labels.name(order[i]), scores[order[i]]));
    }
    return list;
  }

  static ObjectNode entry(String label, double score) {
    ObjectNode entry = JsonNodeFactory.instance.objectNode();
    entry.put("label", label);
    entry.put("score", score);
    return entry;
  }
}
