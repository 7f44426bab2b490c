package ai.hubbatch.model.speech;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.MediaInputs;
import ai.hubbatch.model.stage.Stage;
import ai.hubbatch.model.task.Parameters;
import ai.hubbatch.model.task.Prepared;
import ai.hubbatch.model.task.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the audio tasks share: a request's recordings ({@link MediaInputs}) go to the stage as
 * encoded bytes, decoded there window by window, so preparing a request costs nothing however long
 * its recording; each recording's output becomes one answer, and a list of recordings gets a list
 * of answers, as the pipelines answer a list.
 *
 * @param <I> what the stage takes for one recording
 * @param <O> what it gives back
 * @param <P> the task's parsed parameters
 */
abstract class AudioTask<I, O, P> implements Task<I, O, AudioTask.State<P>> {

  /**
   * What a response needs.
   *
   * @param list whether the request sent a list of recordings
   * @param parameters the parsed parameters
   */
  record State<P>(boolean list, P parameters) {}

  private final String name;
  private final Stage<I, O> stage;
  private final Set<String> accepted;

  AudioTask(String name, Stage<I, O> stage, Set<String> accepted) {
    this.name = name;
    this.stage = stage;
    this.accepted = Set.copyOf(accepted);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Stage<I, O> stage() {
    return stage;
  }

  @Override
  public Prepared<I, State<P>> prepare(InferenceRequest request) {
    P parameters = parameters(Parameters.of(request.parameters(), name, accepted));
    MediaInputs recordings = MediaInputs.read(request.inputs(), name, MediaInputs.Kind.RECORDING);
    List<I> inputs = new ArrayList<>(recordings.items().size());
    for (byte[] bytes : recordings.items()) {
      inputs.add(input(bytes, parameters));
    }
    return new Prepared<>(inputs, new State<>(recordings.list(), parameters));
  }

  @Override
  public JsonNode respond(State<P> state, List<O> outputs) {
    if (!state.list()) {
      return answer(state.parameters(), outputs.get(0));
    }
    ArrayNode all = JsonNodeFactory.instance.arrayNode(outputs.size());
    for (O output : outputs) {
      all.add(answer(state.parameters(), output));
    }
    return all;
  }

  /**
   * Reads the task's own parameters.
   *
   * @throws ai.hubbatch.model.codec.InvalidRequestException for a value the task cannot take
   */
  abstract P parameters(Parameters parameters);

  /** The stage input of one recording. */
  abstract I input(byte[] bytes, P parameters);

  /** One recording's answer. */
  abstract JsonNode answer(P parameters, O output);
}
