package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.tokenize.CodePoints;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Token classification and question answering on the tiny models, both engines: offsets are code
 * points into the original text (an emoji before an entity shifts Java indices but not these),
 * scores come from the expected logits.
 */
class SpanTasksTest {

  static final List<String> ENGINES = TinyModels.ENGINES;

  @ParameterizedTest
  @FieldSource("ENGINES")
  void nerTokensCarryOffsetsWordsAndScores(String engine) throws Exception {
    String text = "Enzo works at the UN 🙂 in New York.";
    List<JsonNode> responses =
        TinyModels.run(
            "tiny-bert-ner",
            "ner",
            engine,
            "{\"inputs\":\"" + text + "\",\"parameters\":{\"ignore_labels\":[]}}",
            "{\"inputs\":[\""
                + text
                + "\"],\"parameters\":{\"ignore_labels\":[],"
                + "\"aggregation_strategy\":\"first\"}}");
    JsonNode tokens = responses.get(0);
    float[] logits = TextTasksTest.logits("tiny-bert-ner", 1, "logits");
    int width = 9;
    List<String> words =
        List.of("en", "##zo", "works", "at", "the", "un", "🙂", "in", "new", "york", ".");
    assertEquals(words.size(), tokens.size(), tokens.toString());
    CodePoints points = CodePoints.of(text);
    for (int i = 0; i < words.size(); i++) {
      JsonNode token = tokens.get(i);
      assertEquals(words.get(i), token.get("word").asText());
      assertEquals(i + 1, token.get("index").asInt());
      double[] scores = Scores.softmax(logits, (i + 1) * width, width);
      int best = Scores.argmax(scores);
      assertEquals(
          List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
              .get(best),
          token.get("entity").asText());
      assertEquals(scores[best], token.get("score").asDouble(), 1e-4);
      String covered = points.slice(token.get("start").asInt(), token.get("end").asInt());
      assertEquals(words.get(i).replace("##", ""), covered.toLowerCase());
    }
    // "🙂" is [UNK]: its word is the original text; "in" after it starts at code point 23.
    assertEquals(23, tokens.get(7).get("start").asInt());
    // first: "En" + "##zo" become one word whose label is the first token's.
    JsonNode first = responses.get(1).get(0);
    assertEquals("enzo", first.get(0).get("word").asText().substring(0, 4));
    assertEquals(0, first.get(0).get("start").asInt());
    assertTrue(first.get(0).get("end").asInt() >= 4);
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void questionAnsweringPicksTheBestContextSpan(String engine) throws Exception {
    JsonNode example = TinyModels.expected("tiny-bert-qa").get("cases").get(1);
    String question = example.get("text").asText();
    String context = example.get("text_pair").asText();
    List<JsonNode> responses =
        TinyModels.run(
            "tiny-bert-qa",
            "question-answering",
            engine,
            "{\"inputs\":{\"question\":\""
                + question
                + "\",\"context\":\""
                + context
                + "\"},"
                + "\"parameters\":{\"align_to_words\":false}}",
            "{\"question\":\"" + question + "\",\"context\":\"" + context + "\"}");
    // Brute force over the expected logits: context tokens only, at most 15 tokens long.
    float[] starts = TextTasksTest.logits("tiny-bert-qa", 1, "start_logits");
    float[] ends = TextTasksTest.logits("tiny-bert-qa", 1, "end_logits");
    JsonNode ids = example.get("input_ids");
    int separator = 0;
    while (ids.get(separator).asInt() != 3) {
      separator++;
    }
    boolean[] inContext = new boolean[ids.size()];
    for (int i = separator + 1; i < ids.size() - 1; i++) {
      inContext[i] = true;
    }
    inContext[0] = true;
    double[] ps = masked(starts, inContext);
    double[] pe = masked(ends, inContext);
    double best = -1;
    for (int s = 1; s < ps.length; s++) {
      for (int e = s; e < Math.min(ps.length, s + 15); e++) {
        if (inContext[s] && inContext[e] && ps[s] * pe[e] > best) {
          best = ps[s] * pe[e];
        }
      }
    }
    JsonNode answer = responses.get(0);
    assertEquals(best, answer.get("score").asDouble(), 1e-4, answer.toString());
    assertEquals(
        CodePoints.of(context).slice(answer.get("start").asInt(), answer.get("end").asInt()),
        answer.get("answer").asText());
    // The whole request as inputs gives the same, word-aligned answer's score.
    assertEquals(best, responses.get(1).get("score").asDouble(), 1e-4);
  }

  private static double[] masked(float[] logits, boolean[] allowed) {
    float[] values = logits.clone();
    for (int i = 0; i < values.length; i++) {
      if (!allowed[i]) {
        values[i] = -10000f;
      }
    }
    double[] p = Scores.softmax(values);
    return p;
  }

  @ParameterizedTest
  @FieldSource("ENGINES")
  void longContextsAreCutIntoWindows(String engine) throws Exception {
    String context = "My name is Wolfgang and I live in Berlin. ".repeat(12);
    List<JsonNode> responses =
        TinyModels.run(
            "tiny-bert-qa",
            "question-answering",
            engine,
            "{\"inputs\":{\"question\":\"Where do I live?\",\"context\":\""
                + context
                + "\"},"
                + "\"parameters\":{\"top_k\":3,\"max_seq_len\":24,\"doc_stride\":8,"
                + "\"handle_impossible_answer\":true}}");
    JsonNode answers = responses.get(0);
    assertEquals(3, answers.size(), answers.toString());
    for (int i = 0; i < 3; i++) {
      JsonNode a = answers.get(i);
      assertEquals(
          CodePoints.of(context).slice(a.get("start").asInt(), a.get("end").asInt()),
          a.get("answer").asText());
      if (i > 0) {
        assertTrue(answers.get(i - 1).get("score").asDouble() >= a.get("score").asDouble());
      }
    }
    // The context became overlapping windows of 24 tokens, all scored.
    try (var model = TinyModels.load("tiny-bert-qa", "question-answering", engine)) {
      var prepared =
          model
              .task()
              .prepare(
                  ai.hubbatch.model.codec.InferenceRequest.parse(
                      "{\"inputs\":{\"question\":\"Where do I live?\",\"context\":\""
                          + context
                          + "\"},\"parameters\":{\"max_seq_len\":24,\"doc_stride\":8}}"));
      assertTrue(prepared.inputs().size() > 5, "windows: " + prepared.inputs().size());
      prepared.inputs().forEach(w -> assertTrue(((TokenizedText) w).length() <= 24));
    }
  }
}
