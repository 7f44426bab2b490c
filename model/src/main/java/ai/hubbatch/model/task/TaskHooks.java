package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.stage.Stage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.util.List;

/**
 * Hooks around a task, the Java counterparts of the Inference Toolkit's {@code input_fn} and {@code
 * output_fn}: a model's code wraps a built-in task with them instead of writing a task of its own.
 *
 * <pre>{@code
 * public Map<String, TaskFactory> tasks() {
 *   return Map.of("keyword-tagging", context ->
 *       TaskHooks.wrap("keyword-tagging",
 *           Tasks.factory("token-classification").create(context), new KeywordHooks()));
 * }
 * }</pre>
 *
 * <p>Implementations are thread-safe. A hook that throws {@link
 * ai.hubbatch.model.codec.InvalidRequestException} fails only its record, with that message; any
 * other exception, or a response that is not JSON, fails only its record too, as an internal error
 * naming the hook's class and jar. The job goes on either way.
 *
 * <p>The toolkit's {@code predict_fn} has no hook here: a task's inputs run in batches with other
 * records', so a model that needs its own engine call provides a {@link Task} of its own.
 */
public interface TaskHooks {

  /** The request as the task will see it ({@code input_fn}); the request itself by default. */
  default InferenceRequest input(InferenceRequest request) {
    return request;
  }

  /**
   * The response as it will be written ({@code output_fn}); the task's own by default.
   *
   * @param request the request as it came, before {@link #input}: the hooks' own parameters are
   *     there even when {@code input} took them out for the task
   * @param response the task's response
   */
  default JsonNode output(InferenceRequest request, JsonNode response) {
    return response;
  }

  /**
   * A task that runs {@code task} between the hooks, under a name of its own.
   *
   * @param name the name {@code HF_TASK} selects it by
   */
  static <I, O, S> Task<I, O, HookedState<S>> wrap(
      String name, Task<I, O, S> task, TaskHooks hooks) {
    return new Task<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Stage<I, O> stage() {
        return task.stage();
      }

      @Override
      public Prepared<I, HookedState<S>> prepare(InferenceRequest request) {
        InferenceRequest hooked;
        try {
          hooked = hooks.input(request);
        } catch (InvalidRequestException e) {
          throw e;
        } catch (RuntimeException e) {
          throw failed(hooks, "input", e);
        }
        if (hooked == null) {
          throw new IllegalStateException(
              "The hook " + ModelCode.describe(hooks.getClass()) + ".input returned null");
        }
        Prepared<I, S> prepared = task.prepare(hooked);
        return new Prepared<>(prepared.inputs(), new HookedState<>(request, prepared.state()));
      }

      @Override
      public JsonNode respond(HookedState<S> state, List<O> outputs) {
        JsonNode response = task.respond(state.state(), outputs);
        JsonNode hooked;
        try {
          hooked = hooks.output(state.request(), response);
        } catch (InvalidRequestException e) {
          throw e;
        } catch (RuntimeException e) {
          throw failed(hooks, "output", e);
        }
        checkJson(hooks, hooked, "");
        return hooked;
      }
    };
  }

  private static IllegalStateException failed(TaskHooks hooks, String hook, RuntimeException e) {
    return new IllegalStateException(
        "The hook " + ModelCode.describe(hooks.getClass()) + "." + hook + " failed: " + e, e);
  }

  /**
   * Fails when the hook's response cannot be written: null, or a Java object wrapped in the tree
   * ({@link POJONode}) that Jackson cannot serialise. The sink writes later, far from the hook, so
   * the check names the hook here; a tree of plain JSON nodes is not serialised twice.
   */
  private static void checkJson(TaskHooks hooks, JsonNode node, String pointer) {
    if (node == null) {
      throw new IllegalStateException(
          "The hook "
              + ModelCode.describe(hooks.getClass())
              + ".output returned null"
              + (pointer.isEmpty() ? "" : " at " + pointer)
              + " instead of a JSON value");
    }
    if (node instanceof POJONode pojo) {
      try {
        Json.MAPPER.writeValueAsString(pojo.getPojo());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "The hook "
                + ModelCode.describe(hooks.getClass())
                + ".output returned a value that is not JSON"
                + (pointer.isEmpty() ? "" : " at " + pointer)
                + ": "
                + e.getOriginalMessage(),
            e);
      }
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkJson(hooks, node.get(i), pointer + "/" + i);
      }
    } else if (node.isObject()) {
      for (var field : node.properties()) {
        checkJson(hooks, field.getValue(), pointer + "/" + field.getKey());
      }
    }
  }

  /**
   * A hooked task's state: the request as it came, and the wrapped task's own state.
   *
   * @param request the request as it came, for {@link #output}
   * @param state the wrapped task's state
   * @param <S> the wrapped task's state type
   */
  record HookedState<S>(InferenceRequest request, S state) {}
}
