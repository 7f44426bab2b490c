package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's code: jars compiled here against hubbatch's API, in a copy of a tiny model, loaded as
 * {@link LoadedModel} loads them; and each way such code can be wrong, refused naming jar and
 * class.
 */
class ModelCodeTest {

  private static final String MARKER = "hubbatch.test.modelCodeLoaded";

  /** Provides "wrapped", and replaces text-classification openly; hooks fail on cue. */
  private static final String HOOK_TASKS =
      """
      package com.example;
      import ai.hubbatch.model.codec.InferenceRequest;
      import ai.hubbatch.model.task.*;
      import com.fasterxml.jackson.databind.JsonNode;
      import com.fasterxml.jackson.databind.node.*;
      import java.util.*;
      public class HookTasks implements TaskProvider {
        static { System.setProperty("%s", "yes"); }
        public Map<String, TaskFactory> tasks() {
          Map<String, TaskFactory> tasks = new HashMap<>();
          for (String name : List.of("wrapped", "text-classification")) {
            tasks.put(name, context -> TaskHooks.wrap(
                name, Tasks.factory("text-classification").create(context), new Hooks()));
          }
          return tasks;
        }
        public Set<String> replaces() { return Set.of("text-classification"); }
      }
      class Hooks implements TaskHooks {
        public InferenceRequest input(InferenceRequest request) {
          if (request.inputs().asText().equals("boom")) throw new IllegalStateException("no boom");
          return request;
        }
        public JsonNode output(InferenceRequest request, JsonNode response) {
          ObjectNode out = JsonNodeFactory.instance.objectNode();
          out.set("labels", response);
          if (request.inputs().asText().equals("pojo")) out.putPOJO("extra", new Object());
          return out;
        }
      }
      """
          .formatted(MARKER);

  @TempDir Path dir;

  /** A copy of the tiny sentiment model, which the tests give code. */
  private Path model() throws IOException {
    Path source = TinyModels.folder("tiny-bert-sentiment");
    Path copy = dir.resolve("model");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path to = copy.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
    return copy;
  }

  private static String refusal(Path model, boolean trusted) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> ModelCode.load(ModelFolder.open(model), trusted).close())
        .getMessage();
  }

  @Test
  void aModelWithCodeIsRefusedUntrustedHavingLoadedNoneOfItsClasses() throws IOException {
    Path model = model();
    CodeJars.build(
        model.resolve("code/hooks.jar"),
        Map.of("com.example.HookTasks", HOOK_TASKS),
        "com.example.HookTasks");
    System.clearProperty(MARKER);

    String message = refusal(model, false);

    assertTrue(message.contains("carries code (code/hooks.jar)"), message);
    assertTrue(message.contains("--trust-model-code"), message);
    assertTrue(message.contains("HF_TRUST_REMOTE_CODE=true"), message);
    assertNull(System.getProperty(MARKER), "a class of the model's code was loaded");
  }

  @Test
  void pythonHooksAreRefusedPointingAtTheJavaOnes() throws IOException {
    Path model = model();
    Files.createDirectories(model.resolve("code"));
    Files.writeString(model.resolve("code/inference.py"), "def model_fn(model_dir): ...\n");

    for (boolean trusted : List.of(false, true)) {
      String message = refusal(model, trusted);
      assertTrue(message.contains("Python hooks (code/inference.py)"), message);
      assertTrue(message.contains("Java hooks"), message);
      assertTrue(message.contains("samples/custom-task"), message);
    }
  }

  @Test
  void theModelsTasksComeFirstInAClassLoaderOfTheirOwn() throws IOException {
    Path model = model();
    CodeJars.build(
        model.resolve("code/hooks.jar"),
        Map.of("com.example.HookTasks", HOOK_TASKS),
        "com.example.HookTasks");
    try (ModelCode code = ModelCode.load(ModelFolder.open(model), true)) {
      assertEquals(List.of("text-classification", "wrapped"), List.copyOf(code.tasks().keySet()));
      assertSame(code.tasks().get("wrapped"), code.factory("wrapped"));
      // Replaced openly, so an inferred or named text-classification runs the model's own.
      assertSame(code.tasks().get("text-classification"), code.factory("sentiment-analysis"));
      assertSame(Tasks.factory("fill-mask"), code.factory("fill-mask"));
      Class<?> type = code.tasks().get("wrapped").getClass();
      assertTrue(
          ModelCode.describe(type).endsWith("(in code/hooks.jar)"), ModelCode.describe(type));
      assertFalse(type.getClassLoader() == ModelCode.class.getClassLoader());
      String unknown =
          assertThrows(IllegalArgumentException.class, () -> code.factory("tagging")).getMessage();
      assertTrue(unknown.contains("tasks of the model's code: text-classification, wrapped"));
    }
  }

  @Test
  void hooksWrapTheBuiltInTaskAndAFailingHookFailsOnlyItsRecord() throws IOException {
    Path model = model();
    CodeJars.build(
        model.resolve("code/hooks.jar"),
        Map.of("com.example.HookTasks", HOOK_TASKS),
        "com.example.HookTasks");
    String[] bodies = {
      "{\"inputs\":\"I love this movie!\"}",
      "{\"inputs\":\"boom\"}",
      "{\"inputs\":\"pojo\"}",
      "{\"inputs\":\"This film was terrible.\"}"
    };
    List<JsonNode> builtIn =
        TinyModels.run("tiny-bert-sentiment", "text-classification", null, bodies[0], bodies[3]);

    ModelSpec spec =
        new ModelSpec(model.toString(), "wrapped", null, EngineSettings.defaults())
            .withTrustModelCode(true);
    List<Outcome> outcomes = new ArrayList<>();
    try (LoadedModel loaded = LoadedModel.load(spec);
        BatchPredictor predictor =
            loaded.newPredictor(new BatchLimits(4, 4096), InferenceListener.NONE)) {
      assertEquals("wrapped", loaded.task().name());
      List<PendingRequest> pending = new ArrayList<>();
      for (String body : bodies) {
        pending.add(predictor.prepare(body));
      }
      outcomes.addAll(predictor.complete(pending));
    }

    assertSameLabels(builtIn.get(0), outcomes.get(0).response().get("labels"));
    assertSameLabels(builtIn.get(1), outcomes.get(3).response().get("labels"));
    String thrown = outcomes.get(1).error();
    assertTrue(
        thrown.contains("The hook com.example.Hooks (in code/hooks.jar).input failed"), thrown);
    assertTrue(thrown.contains("no boom"), thrown);
    String notJson = outcomes.get(2).error();
    assertTrue(
        notJson.contains(
            "The hook com.example.Hooks (in code/hooks.jar).output returned a value that is not"
                + " JSON at /extra"),
        notJson);
  }

  @Test
  void aListedProviderThatIsMissingOrThrowsIsNamedWithItsJar() throws IOException {
    Path model = model();
    CodeJars.build(model.resolve("code/empty.jar"), Map.of(), "com.example.Missing");
    String missing = refusal(model, true);
    assertTrue(missing.contains("com.example.Missing (listed in code/empty.jar)"), missing);

    Files.delete(model.resolve("code/empty.jar"));
    CodeJars.build(
        model.resolve("code/throws.jar"),
        Map.of(
            "com.example.Throws",
            """
            package com.example;
            public class Throws implements ai.hubbatch.model.task.TaskProvider {
              public Throws() { throw new IllegalStateException("no licence file"); }
              public java.util.Map<String, ai.hubbatch.model.task.TaskFactory> tasks() {
                return java.util.Map.of();
              }
            }
            """),
        "com.example.Throws");
    String thrown = refusal(model, true);
    assertTrue(thrown.contains("com.example.Throws (in code/throws.jar) could not be created"));
    assertTrue(thrown.contains("IllegalStateException: no licence file"), thrown);
  }

  @Test
  void aTaskTwoJarsClaimOrABuiltInNameTakenSilentlyIsRefused() throws IOException {
    Path model = model();
    for (String name : List.of("A", "B")) {
      CodeJars.build(
          model.resolve("code/" + name.toLowerCase() + ".jar"),
          Map.of("com.example." + name, provider(name, "tagging")),
          "com.example." + name);
    }
    String twice = refusal(model, true);
    assertTrue(
        twice.contains(
            "claim the task 'tagging': com.example.A (in code/a.jar) and com.example.B (in"
                + " code/b.jar)"),
        twice);

    Files.delete(model.resolve("code/b.jar"));
    CodeJars.build(
        model.resolve("code/b.jar"),
        Map.of("com.example.B", provider("B", "token-classification")),
        "com.example.B");
    String builtIn = refusal(model, true);
    assertTrue(
        builtIn.contains(
            "com.example.B (in code/b.jar) claims 'token-classification', a built-in task"),
        builtIn);
    assertTrue(builtIn.contains("replaces()"), builtIn);
  }

  /** The built-in task's labels, scores to float precision (batches pad differently). */
  private static void assertSameLabels(JsonNode expected, JsonNode actual) {
    assertEquals(expected.size(), actual.size(), actual.toString());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).get("label"), actual.get(i).get("label"));
      assertEquals(
          expected.get(i).get("score").doubleValue(),
          actual.get(i).get("score").doubleValue(),
          1e-6);
    }
  }

  /** A provider of one task that wraps text-classification without hooks. */
  private static String provider(String className, String task) {
    return """
    package com.example;
    import ai.hubbatch.model.task.*;
    public class %s implements TaskProvider {
      public java.util.Map<String, TaskFactory> tasks() {
        return java.util.Map.of("%s", context -> TaskHooks.wrap(
            "%s", Tasks.factory("text-classification").create(context), new TaskHooks() {}));
      }
    }
    """
        .formatted(className, task, task);
  }
}
