package ai.hubbatch.model.task;

import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/**
 * {@code feature-extraction}: the token-level hidden states, unpooled, as the transformers pipeline
 * returns them: {@code [1][tokens][hidden]} for a string and {@code [n][1][tokens][hidden]} for a
 * list of n.
 */
final class FeatureExtractionTask extends TextEncoderTask {

  static final String NAME = "feature-extraction";

  FeatureExtractionTask(EncoderStage encoder, TextTokenizer tokenizer) {
    super(encoder, tokenizer);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public JsonNode respond(TextInputs inputs, List<SequenceOutput> outputs) {
    ArrayNode all = JsonNodeFactory.instance.arrayNode(outputs.size());
    for (SequenceOutput output : outputs) {
      int hidden = hiddenStates(output);
      ArrayNode one = JsonNodeFactory.instance.arrayNode(1);
      one.add(JsonArrays.matrix(output.tokens(hidden), output.length(), output.width(hidden)));
      all.add(one);
    }
    return inputs.single() ? all.get(0) : all;
  }
}
