package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TextTokenizer.Truncation;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * {@code zero-shot-classification}: transformers' {@code ZeroShotClassificationPipeline} over an
 * NLI model. Each text is paired with one hypothesis per candidate label ({@code
 * hypothesis_template} with the label in place of {@code {}}, default {@code "This example is
 * {}."}); the entailment logits rank the labels.
 *
 * <p>{@code inputs}: a string or a list of strings. Parameters: {@code candidate_labels} (a list,
 * or a comma-separated string; required), {@code hypothesis_template}, {@code multi_label} (labels
 * scored independently, entailment against contradiction). The entailment label is the first in
 * {@code label2id} whose name starts with "entail".
 */
final class ZeroShotClassificationTask extends EncoderTask<ZeroShotClassificationTask.State> {

  static final String NAME = "zero-shot-classification";
  private static final Set<String> PARAMETERS =
      Set.of("candidate_labels", "hypothesis_template", "multi_label", "multi_class");

  record State(TextInputs inputs, List<String> labels, boolean multiLabel) {}

  private final TextTokenizer tokenizer;
  private final Labels labels;

  ZeroShotClassificationTask(EncoderStage encoder, TextTokenizer tokenizer, Labels labels) {
    super(encoder);
    this.tokenizer = tokenizer;
    this.labels = labels;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Prepared<TokenizedText, State> prepare(InferenceRequest request) {
    Parameters parameters = Parameters.of(request.parameters(), NAME, PARAMETERS);
    List<String> candidates = candidateLabels(parameters);
    String template = parameters.string("hypothesis_template", "This example is {}.");
    TextInputs inputs = TextInputs.parse(request.inputs(), NAME);
    if (candidates.isEmpty() || inputs.texts().isEmpty()) {
      throw new InvalidRequestException(
          "You must include at least one label and at least one sequence.");
    }
    List<String> hypotheses = new ArrayList<>();
    for (String label : candidates) {
      hypotheses.add(HypothesisTemplate.format(template, label));
    }
    List<TokenizedText> sequences = new ArrayList<>();
    for (String text : inputs.texts()) {
      for (String hypothesis : hypotheses) {
        sequences.add(pair(text, hypothesis));
      }
    }
    boolean multi = parameters.bool("multi_label", parameters.bool("multi_class", false));
    return new Prepared<>(sequences, new State(inputs, candidates, multi));
  }

  /** The premise is truncated, never the hypothesis; when that cannot fit, both are. */
  private TokenizedText pair(String text, String hypothesis) {
    try {
      return tokenizer.encode(text, hypothesis, Truncation.ONLY_FIRST);
    } catch (IllegalArgumentException e) {
      return tokenizer.encode(text, hypothesis);
    }
  }

  /** The labels as {@code _parse_labels} reads them; required. */
  private static List<String> candidateLabels(Parameters parameters) {
    List<String> labels = parameters.labels("candidate_labels");
    if (labels == null) {
      throw new InvalidRequestException(
          NAME
              + " needs \"candidate_labels\" in \"parameters\": "
              + "a list of labels or a comma-separated string");
    }
    return labels;
  }

  @Override
  public JsonNode respond(State state, List<SequenceOutput> outputs) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    int n = state.labels().size();
    ArrayNode all = nodes.arrayNode();
    for (int s = 0; s < state.inputs().texts().size(); s++) {
      double[] scores = new double[n];
      for (int l = 0; l < n; l++) {
        SequenceOutput output = outputs.get(s * n + l);
        float[] logits = output.row(output.indexOf("logits", 0));
        int entail = column(labels.entailmentId(), logits.length);
        if (state.multiLabel() || n == 1) {
          int contradiction = entail == 0 ? logits.length - 1 : 0;
          scores[l] = Scores.softmax(new float[] {logits[contradiction], logits[entail]})[1];
        } else {
          scores[l] = logits[entail];
        }
      }
      if (!state.multiLabel() && n > 1) {
        float[] entailment = new float[n];
        for (int l = 0; l < n; l++) {
          entailment[l] = (float) scores[l];
        }
        scores = Scores.softmax(entailment);
      }
      all.add(result(state.inputs().texts().get(s), state.labels(), scores));
    }
    return state.inputs().single() ? all.get(0) : all;
  }

  /** numpy's index: -1 (no entailment label found) is the last column. */
  private static int column(int index, int width) {
    return index < 0 ? width + index : index;
  }

  private static ObjectNode result(String sequence, List<String> labels, double[] scores) {
    // reversed(argsort()): ascending and stable, then reversed, so ties put later labels first.
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("sequence", sequence);
    ArrayNode names = result.putArray("labels");
    ArrayNode values = result.putArray("scores");
    for (int i = order.length - 1; i >= 0; i--) {
      names.add(labels.get(order[i]));
      values.add(scores[order[i]]);
    }
    return result;
  }
}
