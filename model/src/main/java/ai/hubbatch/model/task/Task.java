package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.stage.Stage;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A model task's pre- and post-processing, engine-free: a request becomes model inputs, which the
 * task's {@link Stage} runs, and their outputs become the Inference Toolkit's response.
 *
 * <p>Implementations are thread-safe and stateless between calls; everything a response needs
 * travels in the state of type {@code S}. The caller runs the inputs of many requests together
 * through the stage, so a task never sees a batch, only its own inputs' outputs.
 *
 * @param <I> what the stage takes: a token sequence, an image's pixels, a prompt
 * @param <O> what the stage gives back for one input
 * @param <S> what {@link #prepare} keeps for {@link #respond}
 */
public interface Task<I, O, S> {

  /** The name as {@code HF_TASK} spells it. */
  String name();

  /** How this task's inputs run on the model. */
  Stage<I, O> stage();

  /**
   * Parses one request and turns it into model inputs.
   *
   * @throws ai.hubbatch.model.codec.InvalidRequestException naming the expected shape when the
   *     request does not fit the task
   */
  Prepared<I, S> prepare(InferenceRequest request);

  /**
   * Builds the response.
   *
   * @param state what {@link #prepare} returned with the inputs
   * @param outputs one per prepared input, in the same order
   * @throws ai.hubbatch.model.codec.InvalidRequestException when the outputs cannot answer the
   *     request as it asked
   */
  JsonNode respond(S state, List<O> outputs);
}
