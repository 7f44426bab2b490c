package ai.hubbatch.model.speech;

import static ai.hubbatch.model.task.OutputColumn.field;

import ai.hubbatch.model.audio.AudioClassification;
import ai.hubbatch.model.audio.CtcDecoder;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.Networks;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.task.OutputColumn;
import ai.hubbatch.model.task.OutputColumn.Kind;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.task.TaskContext;
import ai.hubbatch.model.task.TaskFactory;
import ai.hubbatch.model.task.TaskProvider;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The built-in audio tasks, over ONNX models on ONNX Runtime: {@code automatic-speech-recognition}
 * with a CTC model ({@code model.onnx} taking {@code input_values}) or a Whisper-style
 * encoder-decoder (optimum's {@code encoder_model.onnx} and {@code decoder_model_merged.onnx},
 * decoded by the generation loop), and {@code audio-classification} with a sequence classifier over
 * raw samples. Each reads the model's {@code preprocessor_config.json} for its feature extractor.
 */
public final class AudioTasks implements TaskProvider {

  private final Map<String, TaskFactory> factories =
      Map.of(
          CtcSpeechTask.NAME,
          factory(
              AudioTasks::speechRecognition,
              List.of(new OutputColumn("text", Kind.STRING, "/text"))),
          AudioClassificationTask.NAME,
          factory(
              AudioTasks::audioClassification,
              List.of(
                  OutputColumn.structList(
                      "predictions",
                      "",
                      field("score", Kind.DOUBLE),
                      field("label", Kind.STRING)))));

  @Override
  public Map<String, TaskFactory> tasks() {
    return factories;
  }

  @FunctionalInterface
  private interface Maker {
    Task<?, ?, ?> make(TaskContext context) throws IOException;
  }

  private static TaskFactory factory(Maker maker, List<OutputColumn> columns) {
    return new TaskFactory() {
      @Override
      public Task<?, ?, ?> create(TaskContext context) throws IOException {
        return maker.make(context);
      }

      @Override
      public List<OutputColumn> outputColumns() {
        return columns;
      }
    };
  }

  private static Task<?, ?, ?> speechRecognition(TaskContext context) throws IOException {
    checkEngine(context, CtcSpeechTask.NAME);
    ModelFolder folder = context.folder();
    if (WhisperTask.fits(folder)) {
      return WhisperTask.load(context);
    }
    requirePreprocessor(folder, CtcSpeechTask.NAME);
    if (!folder.config().has("conv_stride")) {
      throw new IllegalArgumentException(
          "automatic-speech-recognition runs CTC models (wav2vec2, HuBERT: config.json with"
              + " conv_stride and a model.onnx taking input_values) and Whisper-style"
              + " encoder-decoders (encoder_model.onnx and decoder_model_merged.onnx); the model "
              + folder.displayName()
              + " is "
              + folder.config().path("model_type").asText("of no model_type"));
    }
    AudioStage stage = new AudioStage(folder, graph(context), true);
    return new CtcSpeechTask(stage, CtcDecoder.load(folder));
  }

  private static Task<?, ?, ?> audioClassification(TaskContext context) throws IOException {
    checkEngine(context, AudioClassificationTask.NAME);
    ModelFolder folder = context.folder();
    requirePreprocessor(folder, AudioClassificationTask.NAME);
    AudioStage stage = new AudioStage(folder, graph(context), false);
    return new AudioClassificationTask(stage, AudioClassification.fromConfig(folder.config()));
  }

  /** The chosen weights' graph, kept until the model closes. */
  private static Network graph(TaskContext context) throws IOException {
    return context.keep(
        Networks.onnx(
            context.folder().path().resolve(context.weights().main()), context.settings()));
  }

  static void checkEngine(TaskContext context, String task) {
    if (context.engine().isPresent() && context.engine().get() != EngineKind.ONNX_RUNTIME) {
      throw new IllegalArgumentException(
          task
              + " runs ONNX models on ONNX Runtime; --engine "
              + context.engine().get().djlName()
              + " is not supported for it");
    }
  }

  static void requirePreprocessor(ModelFolder folder, String task) {
    if (folder.file("preprocessor_config.json").isEmpty()) {
      throw new IllegalArgumentException(
          "The model "
              + folder.displayName()
              + " has no preprocessor_config.json, which says how "
              + task
              + " reads recordings for it (sampling_rate, normalization). Files found: "
              + folder.listFiles());
    }
  }
}
