package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.task.AnswerSpans.Span;
import ai.hubbatch.model.tokenize.CodePoints;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code question-answering}: transformers' {@code QuestionAnsweringPipeline} (fast-tokenizer path)
 * over a QA model's {@code start_logits} and {@code end_logits}.
 *
 * <p>{@code inputs}: {@code {"question": .., "context": ..}} (also as the whole request), a list of
 * those, or one object whose question and context are lists. A context longer than the model is cut
 * into windows of {@code max_seq_len} tokens overlapping by {@code doc_stride}, every window is
 * scored, and the best answers over all windows win. Answers are character spans of the context
 * ({@code start}, {@code end} in code points), widened to whole words unless {@code align_to_words}
 * is false.
 */
final class QuestionAnsweringTask extends EncoderTask<QuestionAnsweringTask.State> {

  static final String NAME = "question-answering";
  private static final Set<String> PARAMETERS =
      Set.of(
          "top_k",
          "topk",
          "doc_stride",
          "max_answer_len",
          "max_seq_len",
          "max_question_len",
          "handle_impossible_answer",
          "align_to_words");

  record Example(String question, String context, int windows) {}

  record State(
      List<Example> examples,
      List<TokenizedText> windows,
      int topK,
      int maxAnswerLength,
      boolean handleImpossible,
      boolean alignToWords) {}

  private final TextTokenizer tokenizer;

  QuestionAnsweringTask(EncoderStage encoder, TextTokenizer tokenizer) {
    super(encoder);
    this.tokenizer = tokenizer;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Prepared<TokenizedText, State> prepare(InferenceRequest request) {
    Parameters parameters = Parameters.of(request.parameters(), NAME, PARAMETERS);
    int topK = parameters.atLeast("top_k", parameters.atLeast("topk", 1, 1), 1);
    int maxAnswer = parameters.atLeast("max_answer_len", 15, 1);
    int maxSeqLen = parameters.atLeast("max_seq_len", Math.min(tokenizer.maxLength(), 384), 1);
    int docStride = parameters.atLeast("doc_stride", Math.min(maxSeqLen / 2, 128), 0);
    parameters.integer("max_question_len", 64); // the slow tokenizers' limit; checked, not used
    if (docStride > maxSeqLen) {
      throw new InvalidRequestException(
          "`doc_stride` (" + docStride + ") is larger than `max_seq_len` (" + maxSeqLen + ")");
    }
    List<Example> examples = new ArrayList<>();
    List<TokenizedText> windows = new ArrayList<>();
    for (String[] pair : pairs(request.inputs())) {
      List<TokenizedText> own;
      try {
        own = tokenizer.windows(pair[0], pair[1], maxSeqLen, docStride);
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            "The question leaves no room for the context in "
                + Math.min(maxSeqLen, tokenizer.maxLength())
                + " tokens (max_seq_len) with doc_stride "
                + docStride
                + ": "
                + e.getMessage());
      }
      examples.add(new Example(pair[0], pair[1], own.size()));
      windows.addAll(own);
    }
    State state =
        new State(
            examples,
            windows,
            topK,
            maxAnswer,
            parameters.bool("handle_impossible_answer", false),
            parameters.bool("align_to_words", true));
    return new Prepared<>(windows, state);
  }

  private static List<String[]> pairs(JsonNode inputs) {
    List<String[]> pairs = new ArrayList<>();
    if (inputs.isArray() && inputs.size() > 0) {
      for (int i = 0; i < inputs.size(); i++) {
        pairs.add(pair(inputs.get(i), "inputs[" + i + "]"));
      }
      return pairs;
    }
    if (inputs.isObject()
        && inputs.path("question").isArray()
        && inputs.path("context").isArray()) {
      JsonNode questions = inputs.get("question");
      JsonNode contexts = inputs.get("context");
      if (questions.size() != contexts.size() || questions.size() == 0) {
        throw new InvalidRequestException(
            NAME
                + ": \"question\" and \"context\" lists must have "
                + "the same, non-zero length; got "
                + questions.size()
                + " and "
                + contexts.size());
      }
      for (int i = 0; i < questions.size(); i++) {
        ObjectNode one = JsonNodeFactory.instance.objectNode();
        one.set("question", questions.get(i));
        one.set("context", contexts.get(i));
        pairs.add(pair(one, "inputs[" + i + "]"));
      }
      return pairs;
    }
    pairs.add(pair(inputs, "inputs"));
    return pairs;
  }

  private static String[] pair(JsonNode item, String where) {
    if (!item.isObject() || !item.has("question") || !item.has("context")) {
      throw new InvalidRequestException(
          NAME
              + " expects \"inputs\" to be "
              + "{\"question\": \"...\", \"context\": \"...\"} or a list of those, but "
              + where
              + " is "
              + JsonShapes.describe(item));
    }
    String[] pair = new String[2];
    String[] keys = {"question", "context"};
    for (int k = 0; k < 2; k++) {
      JsonNode value = item.get(keys[k]);
      if (!value.isTextual()) {
        throw new InvalidRequestException(
            NAME
                + ": `"
                + keys[k]
                + "` must be a string, got "
                + JsonShapes.describe(value)
                + " in "
                + where);
      }
      if (value.asText().isEmpty()) {
        throw new InvalidRequestException("`" + keys[k] + "` cannot be empty");
      }
      pair[k] = value.asText();
    }
    return pair;
  }

  @Override
  public JsonNode respond(State state, List<SequenceOutput> outputs) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ArrayNode all = nodes.arrayNode(state.examples().size());
    int next = 0;
    for (Example example : state.examples()) {
      List<ObjectNode> answers = new ArrayList<>();
      double nullScore = 1_000_000;
      CodePoints context = CodePoints.of(example.context());
      for (int w = 0; w < example.windows(); w++, next++) {
        TokenizedText window = state.windows().get(next);
        SequenceOutput output = outputs.get(next);
        float[] starts = output.scores(output.indexOf("start_logits", 0));
        float[] ends = output.scores(output.indexOf("end_logits", 1));
        AnswerSpans.Result result =
            AnswerSpans.select(
                starts, ends, allowed(window), state.topK(), state.maxAnswerLength());
        nullScore = Math.min(nullScore, result.nullScore());
        for (Span span : result.spans()) {
          int[] chars = characters(window, span, state.alignToWords());
          answers.add(answer(span.score(), chars[0], chars[1], context.slice(chars[0], chars[1])));
        }
      }
      if (state.handleImpossible()) {
        answers.add(answer(nullScore, 0, 0, ""));
      }
      answers.sort(
          Comparator.comparingDouble((ObjectNode a) -> a.get("score").asDouble()).reversed());
      List<ObjectNode> best = answers.subList(0, Math.min(state.topK(), answers.size()));
      if (best.size() == 1) {
        all.add(best.get(0));
      } else {
        ArrayNode list = nodes.arrayNode(best.size());
        best.forEach(list::add);
        all.add(list);
      }
    }
    return all.size() == 1 ? all.get(0) : all;
  }

  /** The tokens an answer may use: the context's, and [CLS] ("no answer"). */
  private boolean[] allowed(TokenizedText window) {
    long[] sequences = window.sequenceIds();
    long[] ids = window.ids();
    OptionalLong cls = tokenizer.vocabulary().clsId();
    boolean[] allowed = new boolean[window.length()];
    for (int i = 0; i < allowed.length; i++) {
      allowed[i] = sequences[i] == 1 || cls.isPresent() && ids[i] == cls.getAsLong();
    }
    return allowed;
  }

  /**
   * The answer's characters in the context: {@code get_indices}, from the first character of the
   * start token's word to the last of the end token's word (or of the tokens themselves).
   */
  private static int[] characters(TokenizedText window, Span span, boolean alignToWords) {
    long[] words = window.wordIds();
    long[] sequences = window.sequenceIds();
    if (alignToWords && words[span.start()] >= 0 && words[span.end()] >= 0) {
      return new int[] {
        wordEdge(window, words[span.start()], sequences, true),
        wordEdge(window, words[span.end()], sequences, false)
      };
    }
    return new int[] {window.start(span.start()), window.end(span.end())};
  }

  private static int wordEdge(TokenizedText window, long word, long[] sequences, boolean first) {
    long[] words = window.wordIds();
    int edge = -1;
    for (int i = 0; i < words.length; i++) {
      if (sequences[i] == 1 && words[i] == word) {
        edge = first ? (edge < 0 ? window.start(i) : edge) : window.end(i);
      }
    }
    return edge;
  }

  private static ObjectNode answer(double score, int start, int end, String text) {
    ObjectNode answer = JsonNodeFactory.instance.objectNode();
    answer.put("score", score);
    answer.put("start", start);
    answer.put("end", end);
    answer.put("answer", text);
    return answer;
  }
}
