package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.task.EntityAggregator.PreEntity;
import ai.hubbatch.model.task.EntityAggregator.Strategy;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The aggregation strategies on fixed scores: the cases of transformers'
 * test_pipelines_token_classification.py (test_aggregation_strategy,
 * test_aggregation_strategy_example2, test_aggregation_strategy_no_b_i_prefix), with the WordPiece
 * decoder joining words.
 */
class EntityAggregatorTest {

  private static final List<String> CONLL =
      List.of("O", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC");

  /** WordPiece's convert_tokens_to_string: "##" pieces glue on, words get a space. */
  private static String wordPiece(List<String> tokens) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (i > 0 && token.startsWith("##")) {
        text.append(token.substring(2));
      } else {
        text.append(i > 0 ? " " : "").append(token);
      }
    }
    return text.toString();
  }

  private static String run(List<String> labels, Strategy strategy, List<PreEntity> tokens) {
    List<String> out = new ArrayList<>();
    for (ObjectNode entity :
        new EntityAggregator(strategy, labels::get, EntityAggregatorTest::wordPiece)
            .aggregate(tokens)) {
      // nested_simplify: scores to 3 decimals
      entity.put(
          "score",
          Double.parseDouble(String.format(Locale.ROOT, "%.3f", entity.get("score").asDouble())));
      out.add(entity.toString());
    }
    return String.join(",", out);
  }

  private static double[] at(int size, double... pairs) {
    double[] scores = new double[size];
    for (int i = 0; i < pairs.length; i += 2) {
      scores[(int) pairs[i]] = pairs[i + 1];
    }
    return scores;
  }

  private static List<PreEntity> enzoUn(int size, int per, int org) {
    return List.of(
        new PreEntity("En", at(size, per, 0.9968166351318359), 0, 2, 1, false),
        new PreEntity("##zo", at(size, per, 0.9957635998725891), 2, 4, 2, true),
        new PreEntity("UN", at(size, org, 0.9986497163772583), 11, 13, 7, false));
  }

  @Test
  void everyStrategyOnEnzoWorksAtTheUn() {
    List<PreEntity> tokens = enzoUn(8, 4, 5);
    assertEquals(
        "{\"entity\":\"I-PER\",\"score\":0.997,\"index\":1,\"word\":\"En\",\"start\":0,"
            + "\"end\":2},{\"entity\":\"I-PER\",\"score\":0.996,\"index\":2,\"word\":\"##zo\","
            + "\"start\":2,\"end\":4},{\"entity\":\"B-ORG\",\"score\":0.999,\"index\":7,\"word\":"
            + "\"UN\",\"start\":11,\"end\":13}",
        run(CONLL, Strategy.NONE, tokens));
    String per =
        "{\"entity_group\":\"PER\",\"score\":%s,\"word\":\"Enzo\",\"start\":0,\"end\":4},"
            + "{\"entity_group\":\"ORG\",\"score\":0.999,\"word\":\"UN\",\"start\":11,\"end\":13}";
    assertEquals(String.format(per, "0.996"), run(CONLL, Strategy.SIMPLE, tokens));
    assertEquals(String.format(per, "0.997"), run(CONLL, Strategy.FIRST, tokens));
    assertEquals(String.format(per, "0.997"), run(CONLL, Strategy.MAX, tokens));
    assertEquals(String.format(per, "0.996"), run(CONLL, Strategy.AVERAGE, tokens));
  }

  @Test
  void wordStrategiesDisagreeOnRamazotti() {
    List<String> labels = new ArrayList<>(CONLL);
    labels.add("EXTRA");
    List<PreEntity> tokens =
        List.of(
            new PreEntity("Ra", at(10, 1, 0.55, 3, 0.45), 0, 2, 1, false),
            new PreEntity("##ma", at(10, 3, 0.2, 7, 0.8), 2, 4, 2, true),
            new PreEntity("##zotti", at(10, 3, 0.4, 6, 0.6), 11, 13, 3, true));
    assertEquals(
        "{\"entity\":\"B-MISC\",\"score\":0.55,\"index\":1,\"word\":\"Ra\",\"start\":0,"
            + "\"end\":2},{\"entity\":\"B-LOC\",\"score\":0.8,\"index\":2,\"word\":\"##ma\",\"start\":2,"
            + "\"end\":4},{\"entity\":\"I-ORG\",\"score\":0.6,\"index\":3,\"word\":\"##zotti\","
            + "\"start\":11,\"end\":13}",
        run(labels, Strategy.NONE, tokens));
    String word =
        "{\"entity_group\":\"%s\",\"score\":%s,\"word\":\"Ramazotti\",\"start\":0," + "\"end\":13}";
    assertEquals(String.format(word, "MISC", "0.55"), run(labels, Strategy.FIRST, tokens));
    assertEquals(String.format(word, "LOC", "0.8"), run(labels, Strategy.MAX, tokens));
    // The averaged scores favour B-PER, which no single token chose.
    assertEquals(String.format(word, "PER", "0.35"), run(labels, Strategy.AVERAGE, tokens));
  }

  @Test
  void labelsWithoutBioPrefixesGroupByName() {
    List<String> labels = List.of("O", "MISC", "PER", "ORG", "LOC");
    List<PreEntity> tokens = enzoUn(5, 4, 3);
    assertEquals(
        "{\"entity_group\":\"LOC\",\"score\":0.996,\"word\":\"Enzo\",\"start\":0,"
            + "\"end\":4},{\"entity_group\":\"ORG\",\"score\":0.999,\"word\":\"UN\",\"start\":11,"
            + "\"end\":13}",
        run(labels, Strategy.SIMPLE, tokens));
  }

  @Test
  void consecutiveBeginTagsStaySeparate() {
    List<PreEntity> tokens =
        List.of(
            new PreEntity("Paris", at(9, 7, 0.9), 0, 5, 1, false),
            new PreEntity("Berlin", at(9, 7, 0.7), 6, 12, 2, false),
            new PreEntity("City", at(9, 8, 0.5), 13, 17, 3, false));
    assertEquals(
        "{\"entity_group\":\"LOC\",\"score\":0.9,\"word\":\"Paris\",\"start\":0,"
            + "\"end\":5},{\"entity_group\":\"LOC\",\"score\":0.6,\"word\":\"Berlin City\","
            + "\"start\":6,\"end\":17}",
        run(CONLL, Strategy.SIMPLE, tokens));
  }
}
