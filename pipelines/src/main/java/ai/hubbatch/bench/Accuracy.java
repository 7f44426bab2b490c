package ai.hubbatch.bench;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a model's outputs lose against a reference model's (the same model in fp32) on the same
 * records. Outputs that are numbers only (embeddings, features) are compared by the cosine of all
 * their numbers; outputs that name things (labels, answers, tokens) by whether every name, in
 * order, is the reference's: for a classifier, whether the top label agrees.
 *
 * @param measure {@code cosine} or {@code agreement}
 * @param records records compared (those both models answered)
 * @param mean the mean cosine, or the share of records whose names agree
 * @param worst the lowest cosine, or the same share for agreement
 */
public record Accuracy(String measure, long records, double mean, double worst) {

  private static final int CHUNK = 64;

  /**
   * Runs every record through both models and compares the outputs.
   *
   * @param lines request bodies, one per record
   */
  public static Accuracy compare(
      LoadedModel reference, LoadedModel model, List<String> lines, BatchLimits limits) {
    List<Outcome> expected = predict(reference, lines, limits);
    List<Outcome> actual = predict(model, lines, limits);
    long records = 0;
    long agreeing = 0;
    double cosineSum = 0;
    double worst = 1;
    boolean named = false;
    for (int i = 0; i < lines.size(); i++) {
      if (!expected.get(i).isSuccess() || !actual.get(i).isSuccess()) {
        continue;
      }
      Flattened want = Flattened.of(expected.get(i).response());
      Flattened got = Flattened.of(actual.get(i).response());
      records++;
      if (!want.names().isEmpty()) {
        named = true;
        agreeing += want.names().equals(got.names()) ? 1 : 0;
      } else {
        double cosine = cosine(want.numbers(), got.numbers());
        cosineSum += cosine;
        worst = Math.min(worst, cosine);
      }
    }
    if (named) {
      double share = records == 0 ? 0 : (double) agreeing / records;
      return new Accuracy("agreement", records, share, share);
    }
    return new Accuracy("cosine", records, records == 0 ? 0 : cosineSum / records, worst);
  }

  /** For people: {@code cosine mean 0.9913, worst 0.9702} or {@code top label agrees 99.2%}. */
  public String describe() {
    return measure.equals("cosine")
        ? String.format(Locale.ROOT, "cosine mean %.4f, worst %.4f", mean, worst)
        : String.format(Locale.ROOT, "labels agree on %.1f%%", 100 * mean);
  }

  private static List<Outcome> predict(LoadedModel model, List<String> lines, BatchLimits limits) {
    List<Outcome> outcomes = new ArrayList<>(lines.size());
    try (BatchPredictor predictor = model.newPredictor(limits, InferenceListener.NONE)) {
      for (int start = 0; start < lines.size(); start += CHUNK) {
        List<PendingRequest> pending = new ArrayList<>();
        for (String line : lines.subList(start, Math.min(lines.size(), start + CHUNK))) {
          pending.add(predictor.prepare(line));
        }
        outcomes.addAll(predictor.complete(pending));
      }
    }
    return outcomes;
  }

  private static double cosine(List<Double> a, List<Double> b) {
    if (a.size() != b.size() || a.isEmpty()) {
      return 0;
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.size(); i++) {
      dot += a.get(i) * b.get(i);
      na += a.get(i) * a.get(i);
      nb += b.get(i) * b.get(i);
    }
    return na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
  }

  /** An output's numbers and its texts, each in document order. */
  private record Flattened(List<Double> numbers, List<String> names) {
    static Flattened of(JsonNode node) {
      Flattened flat = new Flattened(new ArrayList<>(), new ArrayList<>());
      flat.add(node);
      return flat;
    }

    private void add(JsonNode node) {
      if (node.isNumber()) {
        numbers.add(node.asDouble());
      } else if (node.isTextual()) {
        names.add(node.asText());
      } else {
        node.forEach(this::add);
      }
    }
  }
}
