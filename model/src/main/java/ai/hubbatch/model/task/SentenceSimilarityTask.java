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
import java.util.List;
import java.util.Set;

/**
 * {@code sentence-similarity}: the Inference Toolkit's sentence-transformers pipeline. The source
 * sentence and each other sentence are embedded as {@code sentence-embeddings} does (the model's
 * pooling), and the response holds the cosine of each against the source: {@code {"inputs":
 * {"source_sentence": "..", "sentences": [".."]}}} gives {@code {"similarities": [..]}}.
 */
final class SentenceSimilarityTask extends EncoderTask<Integer> {

  static final String NAME = "sentence-similarity";

  private final TextTokenizer tokenizer;
  private final Pooling pooling;

  SentenceSimilarityTask(EncoderStage encoder, TextTokenizer tokenizer, Pooling pooling) {
    super(encoder);
    this.tokenizer = tokenizer;
    this.pooling = pooling;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Prepared<TokenizedText, Integer> prepare(InferenceRequest request) {
    Parameters.of(request.parameters(), NAME, Set.of());
    JsonNode inputs = request.inputs();
    JsonNode sentences = inputs.path("sentences");
    if (!inputs.isObject() || !inputs.path("source_sentence").isTextual() || !sentences.isArray()) {
      throw new InvalidRequestException(
          NAME
              + " expects \"inputs\" to be {\"source_sentence\": "
              + "\"...\", \"sentences\": [\"...\", ...]}, got "
              + JsonShapes.describe(inputs));
    }
    List<TokenizedText> sequences = new ArrayList<>();
    sequences.add(tokenizer.encode(inputs.get("source_sentence").asText()));
    for (int i = 0; i < sentences.size(); i++) {
      if (!sentences.get(i).isTextual()) {
        throw new InvalidRequestException(
            NAME
                + ": sentences["
                + i
                + "] must be a string, got "
                + JsonShapes.describe(sentences.get(i)));
      }
      sequences.add(tokenizer.encode(sentences.get(i).asText()));
    }
    return new Prepared<>(sequences, sentences.size());
  }

  @Override
  public JsonNode respond(Integer count, List<SequenceOutput> outputs) {
    float[] source = embed(outputs.get(0));
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    ArrayNode similarities = response.putArray("similarities");
    for (int i = 1; i <= count; i++) {
      similarities.add(cosine(source, embed(outputs.get(i))));
    }
    return response;
  }

  private float[] embed(SequenceOutput output) {
    int hidden = TextEncoderTask.hiddenStates(output);
    return pooling.apply(output.tokens(hidden), output.length(), output.width(hidden));
  }

  /** sentence-transformers' {@code cos_sim}: both vectors normalised first. */
  static double cosine(float[] a, float[] b) {
    float[] x = Pooling.l2Normalize(a);
    float[] y = Pooling.l2Normalize(b);
    double dot = 0;
    for (int i = 0; i < x.length; i++) {
      dot += (double) x[i] * y[i];
    }
    return dot;
  }
}
