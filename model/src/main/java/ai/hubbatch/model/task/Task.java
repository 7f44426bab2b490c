package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A model task's pre- and post-processing, engine-free: a request becomes token sequences, and the
 * model's outputs for those sequences become the Inference Toolkit's response.
 *
 * <p>Implementations are thread-safe and stateless between calls; everything a response needs
 * travels in the state of type {@code S}. The caller batches sequences of many requests together,
 * so a task never sees the batch, only its own sequences' outputs.
 *
 * @param <S> what {@link #prepare} keeps for {@link #respond}
 */
public interface Task<S> {

  /** The name as {@code HF_TASK} spells it. */
  String name();

  /**
   * Parses and tokenizes one request.
   *
   * @throws ai.hubbatch.model.codec.InvalidRequestException naming the expected shape when the
   *     request does not fit the task
   */
  Prepared<S> prepare(InferenceRequest request);

  /**
   * Builds the response.
   *
   * @param state what {@link #prepare} returned with the sequences
   * @param outputs one per prepared sequence, in the same order
   */
  JsonNode respond(S state, List<SequenceOutput> outputs);
}
