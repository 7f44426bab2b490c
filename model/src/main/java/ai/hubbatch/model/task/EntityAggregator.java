package ai.hubbatch.model.task;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Token classification's post-processing, as transformers' {@code TokenClassificationPipeline} does
 * it: per-token scores become entities, optionally fused into words and entity groups.
 *
 * <p>Strategies: {@code none} (one entity per token), {@code simple} (adjacent tokens with the same
 * tag are grouped; a {@code B-} tag starts a new group), and {@code first}, {@code average}, {@code
 * max}, which first make the tokens of one word agree on a label (the first token's, the label of
 * the averaged scores, or that of the token with the highest score) and then group.
 */
final class EntityAggregator {

  /** transformers' {@code AggregationStrategy}. */
  enum Strategy {
    NONE,
    SIMPLE,
    FIRST,
    AVERAGE,
    MAX;

    static Strategy parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /**
   * One scored token before aggregation: transformers' "pre-entity".
   *
   * @param word the token as the vocabulary spells it (the original text for unknown tokens)
   * @param scores the softmax over labels
   * @param start first code point in the input
   * @param end code point after the token
   * @param index the token's position in the sequence, special tokens counted
   * @param subword whether the token continues the previous token's word
   */
  record PreEntity(String word, double[] scores, int start, int end, int index, boolean subword) {}

  /** An entity under construction: a token or a word, with what grouping needs. */
  private record Entity(String label, double score, int index, String word, int start, int end) {}

  private final Strategy strategy;
  private final IntFunction<String> labels;
  private final Function<List<String>, String> join;

  /**
   * @param labels the label of each score index ({@code id2label})
   * @param join the tokenizer's {@code convert_tokens_to_string}
   */
  EntityAggregator(
      Strategy strategy, IntFunction<String> labels, Function<List<String>, String> join) {
    this.strategy = strategy;
    this.labels = labels;
    this.join = join;
  }

  /** The entities of one sequence, in order, before {@code ignore_labels} filters them. */
  List<ObjectNode> aggregate(List<PreEntity> tokens) {
    List<Entity> entities = new ArrayList<>();
    if (strategy == Strategy.NONE || strategy == Strategy.SIMPLE) {
      for (PreEntity token : tokens) {
        int best = Scores.argmax(token.scores());
        entities.add(
            new Entity(
                labels.apply(best),
                token.scores()[best],
                token.index(),
                token.word(),
                token.start(),
                token.end()));
      }
    } else {
      entities = words(tokens);
    }
    if (strategy == Strategy.NONE) {
      List<ObjectNode> out = new ArrayList<>();
      for (Entity entity : entities) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("entity", entity.label());
        node.put("score", entity.score());
        node.put("index", entity.index());
        node.put("word", entity.word());
        node.put("start", entity.start());
        node.put("end", entity.end());
        out.add(node);
      }
      return out;
    }
    return group(entities);
  }

  /** {@code aggregate_words}: a word is a token and the subwords after it. */
  private List<Entity> words(List<PreEntity> tokens) {
    List<Entity> words = new ArrayList<>();
    List<PreEntity> word = new ArrayList<>();
    for (PreEntity token : tokens) {
      if (!word.isEmpty() && !token.subword()) {
        words.add(word(word));
        word = new ArrayList<>();
      }
      word.add(token);
    }
    if (!word.isEmpty()) {
      words.add(word(word));
    }
    return words;
  }

  /** {@code aggregate_word}: one label for the whole word. */
  private Entity word(List<PreEntity> tokens) {
    List<String> pieces = new ArrayList<>();
    tokens.forEach(t -> pieces.add(t.word()));
    double[] scores;
    switch (strategy) {
      case FIRST:
        scores = tokens.get(0).scores();
        break;
      case MAX:
        {
          PreEntity best = tokens.get(0);
          for (PreEntity token : tokens) {
            if (max(token.scores()) > max(best.scores())) {
              best = token;
            }
          }
          scores = best.scores();
          break;
        }
      default:
        { // AVERAGE
          scores = new double[tokens.get(0).scores().length];
          for (PreEntity token : tokens) {
            for (int i = 0; i < scores.length; i++) {
              scores[i] += token.scores()[i] / tokens.size();
            }
          }
        }
    }
    int best = Scores.argmax(scores);
    return new Entity(
        labels.apply(best),
        scores[best],
        tokens.get(0).index(),
        join.apply(pieces),
        tokens.get(0).start(),
        tokens.get(tokens.size() - 1).end());
  }

  /** {@code group_entities}: adjacent entities with the same tag, unless one starts with B-. */
  private List<ObjectNode> group(List<Entity> entities) {
    List<ObjectNode> groups = new ArrayList<>();
    List<Entity> current = new ArrayList<>();
    for (Entity entity : entities) {
      if (!current.isEmpty()) {
        String[] tag = tag(entity.label());
        String[] last = tag(current.get(current.size() - 1).label());
        if (!(tag[1].equals(last[1]) && !tag[0].equals("B"))) {
          groups.add(groupOf(current));
          current = new ArrayList<>();
        }
      }
      current.add(entity);
    }
    if (!current.isEmpty()) {
      groups.add(groupOf(current));
    }
    return groups;
  }

  private ObjectNode groupOf(List<Entity> entities) {
    String label = entities.get(0).label();
    int dash = label.indexOf('-');
    double sum = 0;
    List<String> words = new ArrayList<>();
    for (Entity entity : entities) {
      sum += entity.score();
      words.add(entity.word());
    }
    ObjectNode group = JsonNodeFactory.instance.objectNode();
    group.put("entity_group", dash < 0 ? label : label.substring(dash + 1));
    group.put("score", sum / entities.size());
    group.put("word", join.apply(words));
    group.put("start", entities.get(0).start());
    group.put("end", entities.get(entities.size() - 1).end());
    return group;
  }

  /** {@code get_tag}: B-/I- prefix and tag; other labels count as I- continuations. */
  private static String[] tag(String label) {
    if (label.startsWith("B-")) {
      return new String[] {"B", label.substring(2)};
    }
    if (label.startsWith("I-")) {
      return new String[] {"I", label.substring(2)};
    }
    return new String[] {"I", label};
  }

  private static double max(double[] values) {
    return values[Scores.argmax(values)];
  }
}
