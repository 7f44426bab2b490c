package ai.hubbatch.model.speech;

import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.task.TaskContext;

/** Placeholder until Whisper decoding lands: refuses Whisper-style models. */
final class WhisperTask {

  private WhisperTask() {}

  static boolean fits(ModelFolder folder) {
    return folder.config().path("model_type").asText("").equals("whisper")
        || folder.file("onnx/encoder_model.onnx").isPresent();
  }

  static Task<?, ?, ?> load(TaskContext context) {
    throw new IllegalArgumentException(
        "Whisper-style automatic-speech-recognition is not supported yet");
  }
}
