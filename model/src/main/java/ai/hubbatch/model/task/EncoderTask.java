package ai.hubbatch.model.task;

import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.stage.Stage;
import ai.hubbatch.model.tokenize.TokenizedText;

/**
 * The base of tasks that run a text encoder once over each token sequence.
 *
 * @param <S> the task's state
 */
abstract class EncoderTask<S> implements Task<TokenizedText, SequenceOutput, S> {

  private final EncoderStage encoder;

  EncoderTask(EncoderStage encoder) {
    this.encoder = encoder;
  }

  @Override
  public Stage<TokenizedText, SequenceOutput> stage() {
    return encoder;
  }
}
