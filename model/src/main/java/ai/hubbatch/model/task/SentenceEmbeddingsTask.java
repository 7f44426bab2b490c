package ai.hubbatch.model.task;

import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code sentence-embeddings}: one pooled vector per string, as sentence-transformers' {@code
 * encode}. Responds {@code {"embeddings": [...]}} for a string and {@code {"embeddings": [[...],
 * ...]}} for a list.
 */
final class SentenceEmbeddingsTask extends TextEncoderTask {

  static final String NAME = "sentence-embeddings";

  private final Pooling pooling;

  SentenceEmbeddingsTask(EncoderStage encoder, TextTokenizer tokenizer, Pooling pooling) {
    super(encoder, tokenizer);
    this.pooling = pooling;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public JsonNode respond(TextInputs inputs, List<SequenceOutput> outputs) {
    ArrayNode vectors = JsonNodeFactory.instance.arrayNode(outputs.size());
    for (SequenceOutput output : outputs) {
      int hidden = hiddenStates(output);
      float[] pooled = pooling.apply(output.tokens(hidden), output.length(), output.width(hidden));
      vectors.add(JsonArrays.vector(pooled));
    }
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.set("embeddings", inputs.single() ? vectors.get(0) : vectors);
    return response;
  }
}
