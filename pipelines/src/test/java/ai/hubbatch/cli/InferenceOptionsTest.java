package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.codec.MediaLimits;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.pipeline.InferenceJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The model, engine and batch options of run, transform, serve and bench-serve: one set, read the
 * same way by every command, and what run and serve make of them.
 */
class InferenceOptionsTest {

  private static final List<String> COMMANDS = List.of("run", "transform", "serve", "bench-serve");
  private static final String[] GIVEN = {
    "--model",
    "org/name",
    "--revision",
    "v1",
    "--task",
    "feature-extraction",
    "--engine",
    "onnxruntime",
    "--device",
    "cpu",
    "--batch-size",
    "8",
    "--max-batch-tokens",
    "100",
    "--intra-op-threads",
    "2",
    "--inter-op-threads",
    "1",
    "--dtype",
    "q8"
  };

  @TempDir Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty("HF_TASK");
    System.clearProperty("HF_MODEL_REVISION");
    System.clearProperty("HF_DTYPE");
    System.clearProperty("HF_TRUST_REMOTE_CODE");
  }

  @Test
  void everyCommandTrustsTheModelsCodeOnlyWhenTold() {
    for (String command : COMMANDS) {
      assertEquals(false, parse(command).spec("m").trustModelCode(), command);
      assertEquals(true, parse(command, "--trust-model-code").spec("m").trustModelCode(), command);
      for (String value : List.of("true", "TRUE", "1")) {
        System.setProperty("HF_TRUST_REMOTE_CODE", value);
        assertEquals(true, parse(command).spec("m").trustModelCode(), command + " " + value);
      }
      for (String value : List.of("false", "0", "")) {
        System.setProperty("HF_TRUST_REMOTE_CODE", value);
        assertEquals(false, parse(command).spec("m").trustModelCode(), command + " " + value);
      }
      System.setProperty("HF_TRUST_REMOTE_CODE", "yes please");
      String message =
          assertThrows(ConfigurationException.class, () -> parse(command).spec("m")).getMessage();
      assertTrue(message.contains("HF_TRUST_REMOTE_CODE=yes please is not a boolean"), message);
      System.clearProperty("HF_TRUST_REMOTE_CODE");
    }
  }

  /** Parses a command line as Main does and returns the command's shared options. */
  private static InferenceOptions parse(String command, String... args) {
    List<String> line = new ArrayList<>(List.of(command));
    if (command.equals("transform")) {
      line.addAll(List.of("--job", "job.json")); // required; not read when only parsing
    }
    line.addAll(List.of(args));
    CommandLine cli = new CommandLine(new Main());
    cli.parseArgs(line.toArray(String[]::new));
    return (InferenceOptions)
        cli.getSubcommands().get(command).getCommandSpec().mixins().get("inference").userObject();
  }

  @Test
  void everyCommandReadsTheGivenOptionsAlike() {
    for (String command : COMMANDS) {
      InferenceOptions options = parse(command, GIVEN);
      assertEquals("org/name", options.model(), command);
      assertEquals(Optional.of(EngineKind.ONNX_RUNTIME), options.engine(), command);
      assertEquals(new EngineSettings("cpu", 2, 1), options.engineSettings(), command);
      assertEquals(new BatchSizing(8, 100), options.sizing(), command);
      assertEquals(
          new ModelSpec(
              "org/name",
              "feature-extraction",
              "OnnxRuntime",
              new EngineSettings("cpu", 2, 1),
              "v1",
              Dtype.Q8,
              MediaLimits.defaults()),
          options.spec("org/name"),
          command);
    }
  }

  @Test
  void everyCommandTakesTheImagePixelLimit() {
    for (String command : COMMANDS) {
      assertEquals(
          MediaLimits.defaults().withMaxImagePixels(1000),
          parse(command, "--max-image-pixels", "1000").spec("m").media(),
          command);
      assertEquals(MediaLimits.defaults(), parse(command).spec("m").media(), command);
    }
    System.setProperty("HUBBATCH_MAX_IMAGE_PIXELS", "2000");
    try {
      assertEquals(2000, parse("serve").mediaLimits().maxImagePixels());
    } finally {
      System.clearProperty("HUBBATCH_MAX_IMAGE_PIXELS");
    }
    assertThrows(
        IllegalArgumentException.class, () -> parse("run", "--max-image-pixels", "0").spec("m"));
  }

  @Test
  void everyCommandHasTheSameDefaultsAndVariables() {
    for (String command : COMMANDS) {
      InferenceOptions defaults = parse(command);
      assertNull(defaults.model(), command);
      assertEquals(Optional.empty(), defaults.engine(), command);
      assertEquals(BatchSizing.auto(), defaults.sizing(), command);
      assertEquals(EngineSettings.defaults(), defaults.engineSettings(), command);
      assertEquals(Dtype.AUTO, defaults.dtype(), command);
      assertEquals(
          new ModelSpec("", null, null, EngineSettings.defaults(), null),
          defaults.spec(""),
          command);
    }
    System.setProperty("HF_TASK", "ner");
    System.setProperty("HF_MODEL_REVISION", "v2");
    System.setProperty("HF_DTYPE", "uint8");
    for (String command : COMMANDS) {
      InferenceOptions fromVariables = parse(command);
      assertEquals("ner", fromVariables.task(), command);
      assertEquals("v2", fromVariables.revision(), command);
      assertEquals(Dtype.UINT8, fromVariables.dtype(), command);
      assertEquals(Dtype.FP16, parse(command, "--dtype", "fp16").dtype(), command);
      assertEquals(
          "text-classification",
          parse(command, "--task", "text-classification").task(),
          "an option wins over its variable");
    }
  }

  @Test
  void badValuesAreConfigurationErrors() {
    InferenceOptions options =
        parse(
            "serve",
            "--engine",
            "tensorflow",
            "--device",
            "tpu",
            "--batch-size",
            "0",
            "--dtype",
            "fp8");
    assertThrows(IllegalArgumentException.class, options::engine);
    assertThrows(IllegalArgumentException.class, options::dtype);
    assertThrows(IllegalArgumentException.class, options::engineSettings);
    assertThrows(IllegalArgumentException.class, options::sizing);
  }

  @Test
  void runBuildsItsJobFromThem() throws Exception {
    Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"inputs\":\"a\"}\n");
    RunCommand run = new RunCommand();
    new CommandLine(run)
        .parseArgs(
            "-i",
            in.toString(),
            "-o",
            dir.resolve("out").toString(),
            "--task",
            "feature-extraction",
            "--engine",
            "onnxruntime",
            "--device",
            "cpu",
            "--batch-size",
            "8",
            "--max-batch-tokens",
            "100",
            "--intra-op-threads",
            "2");
    InferenceJob job = run.job();
    assertEquals(new BatchSizing(8, 100), job.sizing());
    assertEquals(
        new ModelSpec(
            "",
            "feature-extraction",
            "OnnxRuntime",
            new EngineSettings("cpu", 2, 0),
            null,
            Dtype.FP32,
            MediaLimits.defaults()),
        job.model(),
        "the dtype is resolved once, before the workers load the model");
  }

  @Test
  void serveDocumentsTheBatchLimits() {
    ServeCommand defaults = new ServeCommand();
    assertTrue(new CommandLine(defaults).getUsageMessage().contains("--max-batch-tokens"));
  }
}
