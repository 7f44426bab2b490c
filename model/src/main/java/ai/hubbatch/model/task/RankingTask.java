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
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code sentence-ranking} (aliases {@code text-ranking}, {@code ranking}): a cross-encoder, as the
 * Inference Toolkit's sentence-transformers {@code CrossEncoder} pipeline runs it.
 *
 * <p>Two request forms: pairs, {@code [["query", "doc"], ...]} (or one pair), give {@code
 * {"scores": [..]}}; {@code {"query": "..", "texts": [..], "return_documents": false}} gives {@code
 * {"scores": [{"score", "index"}, ...]}} sorted by score, with {@code "text"} when asked. A
 * one-label model's logit goes through a sigmoid, as CrossEncoder's default activation.
 */
final class RankingTask extends EncoderTask<RankingTask.State> {

  static final String NAME = "sentence-ranking";

  record State(boolean ranked, boolean onePair, List<String> texts, boolean returnDocuments) {}

  private final String name;
  private final TextTokenizer tokenizer;
  private final boolean sigmoid;

  RankingTask(EncoderStage encoder, String name, TextTokenizer tokenizer, Labels labels) {
    super(encoder);
    this.name = name;
    this.tokenizer = tokenizer;
    JsonNode config = labels.config();
    String activation =
        config
            .path("sentence_transformers")
            .path("activation_fn")
            .asText(config.path("sbert_ce_default_activation_function").asText(""));
    this.sigmoid = activation.isEmpty() ? labels.count(1) == 1 : activation.endsWith("Sigmoid");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Prepared<TokenizedText, State> prepare(InferenceRequest request) {
    Parameters.of(request.parameters(), name, Set.of());
    JsonNode inputs = request.inputs();
    if (inputs.isObject() && !(inputs.has("sentences") && inputs.size() == 1)) {
      return prepareRanked(inputs);
    }
    JsonNode sentences = inputs.isObject() ? inputs.get("sentences") : inputs;
    boolean onePair = sentences.isArray() && sentences.size() == 2 && sentences.get(0).isTextual();
    List<TokenizedText> sequences = new ArrayList<>();
    if (onePair) {
      sequences.add(pair(sentences, "inputs"));
    } else if (sentences.isArray() && sentences.size() > 0) {
      for (int i = 0; i < sentences.size(); i++) {
        sequences.add(pair(sentences.get(i), "inputs[" + i + "]"));
      }
    } else {
      throw shape(JsonShapes.describe(sentences));
    }
    return new Prepared<>(sequences, new State(false, onePair, List.of(), false));
  }

  private Prepared<TokenizedText, State> prepareRanked(JsonNode inputs) {
    if (inputs.has("sentences")) {
      throw new InvalidRequestException(
          "The provided payload contains 'sentences' (i.e. "
              + "'inputs'), 'query' and 'texts', but all of those cannot be provided, you should "
              + "provide either only 'sentences' i.e. 'inputs' or both 'query' and 'texts' to run "
              + "the ranking task.");
    }
    JsonNode query = inputs.path("query");
    JsonNode texts = inputs.path("texts");
    if (!query.isTextual()) {
      throw new InvalidRequestException(
          "Provided query="
              + JsonShapes.describe(query)
              + " but a non-empty string should be provided instead.");
    }
    List<String> documents = new ArrayList<>();
    for (JsonNode text : texts) {
      if (!text.isTextual()) {
        break;
      }
      documents.add(text.asText());
    }
    if (!texts.isArray() || documents.size() != texts.size()) {
      throw new InvalidRequestException(
          "Provided texts="
              + JsonShapes.describe(texts)
              + ", but a list of non-empty strings should be provided instead.");
    }
    JsonNode returnDocuments = inputs.path("return_documents");
    List<TokenizedText> sequences = new ArrayList<>();
    for (String document : documents) {
      sequences.add(tokenizer.encode(query.asText(), document));
    }
    return new Prepared<>(
        sequences, new State(true, false, documents, returnDocuments.asBoolean(false)));
  }

  private TokenizedText pair(JsonNode pair, String where) {
    if (!pair.isArray()
        || pair.size() != 2
        || !pair.get(0).isTextual()
        || !pair.get(1).isTextual()) {
      throw shape(where + " is " + JsonShapes.describe(pair));
    }
    return tokenizer.encode(pair.get(0).asText(), pair.get(1).asText());
  }

  private InvalidRequestException shape(String found) {
    return new InvalidRequestException(
        name
            + " expects \"inputs\" to be a list of "
            + "[\"query\", \"text\"] pairs, one pair, or {\"query\": \"...\", \"texts\": [...], "
            + "\"return_documents\": false}; "
            + found);
  }

  @Override
  public JsonNode respond(State state, List<SequenceOutput> outputs) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    List<double[]> scores = new ArrayList<>();
    for (SequenceOutput output : outputs) {
      float[] logits = output.row(output.indexOf("logits", 0));
      scores.add(sigmoid ? Scores.sigmoid(logits) : Scores.identity(logits));
    }
    ObjectNode response = nodes.objectNode();
    if (!state.ranked()) {
      ArrayNode list = nodes.arrayNode(scores.size());
      for (double[] score : scores) {
        list.add(score.length == 1 ? nodes.numberNode(score[0]) : vector(score));
      }
      response.set("scores", state.onePair() ? list.get(0) : list);
      return response;
    }
    if (!scores.isEmpty() && scores.get(0).length != 1) {
      throw new InvalidRequestException(
          name
              + ": ranking by query and texts needs a "
              + "cross-encoder with one output; this model has "
              + scores.get(0).length);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> scores.get(i)[0]).reversed());
    ArrayNode ranked = response.putArray("scores");
    for (int i : order) {
      // CrossEncoder.rank's keys, with corpus_id renamed to index (and so last) by the toolkit.
      ObjectNode entry = ranked.addObject();
      entry.put("score", scores.get(i)[0]);
      if (state.returnDocuments()) {
        entry.put("text", state.texts().get(i));
      }
      entry.put("index", i);
    }
    return response;
  }

  private static ArrayNode vector(double[] values) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode(values.length);
    for (double v : values) {
      array.add(v);
    }
    return array;
  }
}
