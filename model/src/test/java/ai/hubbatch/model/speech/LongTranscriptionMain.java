package ai.hubbatch.model.speech;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Transcribes one recording with the tiny CTC model under the CPU batch limits and prints whether
 * it succeeded and its text's length; run by {@link LongTranscriptionTest} in a JVM with a small
 * heap.
 */
public final class LongTranscriptionMain {

  private LongTranscriptionMain() {}

  public static void main(String[] args) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(args[0]));
    try (LoadedModel model = TinyModels.load("tiny-wav2vec2-ctc", null, null);
        BatchPredictor predictor =
            model.newPredictor(AudioBudgets.forCpu(), InferenceListener.NONE)) {
      Outcome outcome =
          predictor.complete(List.of(predictor.prepare(InferenceRequest.media(bytes)))).get(0);
      System.out.println(
          outcome.isSuccess()
              ? "ok " + outcome.response().get("text").asText().length()
              : "failed " + outcome.error());
    }
  }
}
