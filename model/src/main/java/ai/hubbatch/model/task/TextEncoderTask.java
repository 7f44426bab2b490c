package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The shared front of tasks that run an encoder over each input string: {@code inputs} is a string
 * or a list of strings, one sequence each.
 */
abstract class TextEncoderTask extends EncoderTask<TextInputs> {

  private final TextTokenizer tokenizer;

  TextEncoderTask(EncoderStage encoder, TextTokenizer tokenizer) {
    super(encoder);
    this.tokenizer = tokenizer;
  }

  /** Neither task takes a parameter that changes its output: any other name is an error. */
  @Override
  public Prepared<TokenizedText, TextInputs> prepare(InferenceRequest request) {
    Parameters.of(request.parameters(), name(), Set.of());
    TextInputs inputs = TextInputs.parse(request.inputs(), name());
    List<TokenizedText> sequences = new ArrayList<>(inputs.texts().size());
    for (String text : inputs.texts()) {
      sequences.add(tokenizer.encode(text));
    }
    return new Prepared<>(sequences, inputs);
  }

  /** The index of the per-token hidden states among the model's outputs. */
  static int hiddenStates(SequenceOutput output) {
    // Hub exports name it last_hidden_state; sentence-transformers ONNX exports token_embeddings.
    return output.find("token_embeddings").orElse(output.indexOf("last_hidden_state", 0));
  }
}
