package ai.hubbatch.model.speech;

import ai.hubbatch.model.audio.CtcChunking;
import ai.hubbatch.model.audio.CtcDecoder;
import ai.hubbatch.model.audio.CtcTimestamps;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import ai.hubbatch.model.task.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * {@code automatic-speech-recognition} for CTC models (wav2vec2, HuBERT): transformers' speech
 * pipeline with greedy CTC decoding. Parameters: {@code chunk_length_s} and {@code stride_length_s}
 * (a number for both sides or {@code [left, right]}; a sixth of the chunk by default) cut a
 * recording into overlapping chunks stitched as the pipeline stitches them; {@code
 * return_timestamps} ({@code "char"} or {@code "word"}) adds {@code chunks} with timestamps in
 * seconds. Without {@code chunk_length_s} a recording up to {@link #WHOLE_SECONDS} is read whole,
 * as the pipeline reads it; a longer one is chunked as {@code chunk_length_s} of that length would
 * chunk it, so it streams instead of becoming one tensor. The answer is {@code {"text": ...}}, with
 * {@code "chunks"} when timestamps were asked for.
 */
final class CtcSpeechTask extends AudioTask<Recording, Heard, CtcSpeechTask.Options> {

  static final String NAME = "automatic-speech-recognition";

  /** The longest recording read as one window when no chunking is asked for. */
  static final int WHOLE_SECONDS = 60;

  /** The parsed parameters. */
  record Options(Windowing windowing, CtcTimestamps timestamps) {}

  private final AudioStage stage;
  private final CtcDecoder decoder;
  private final Windowing byDefault;

  CtcSpeechTask(AudioStage stage, CtcDecoder decoder) {
    super(NAME, stage, Set.of("chunk_length_s", "stride_length_s", "return_timestamps"));
    this.stage = stage;
    this.decoder = decoder;
    this.byDefault =
        Windowing.wholeOrChunked(
            WHOLE_SECONDS * stage.samplingRate(), chunking(WHOLE_SECONDS, null, null), NAME);
  }

  private CtcChunking chunking(double chunk, Double left, Double right) {
    try {
      return CtcChunking.of(chunk, left, right, stage.samplingRate(), stage.alignTo());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(NAME + ": " + e.getMessage());
    }
  }

  @Override
  Options parameters(Parameters parameters) {
    CtcTimestamps timestamps;
    JsonNode value = parameters.raw("return_timestamps");
    try {
      timestamps =
          CtcTimestamps.parse(
              value == null || value.isNull()
                  ? null
                  : value.isTextual()
                      ? value.asText()
                      : value.isBoolean() ? value.asBoolean() : value);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(NAME + ": " + e.getMessage());
    }
    double chunk = parameters.number("chunk_length_s", 0);
    if (chunk <= 0) {
      return new Options(byDefault, timestamps);
    }
    JsonNode stride = parameters.raw("stride_length_s");
    Double left = null;
    Double right = null;
    if (stride != null && stride.isNumber()) {
      left = stride.asDouble();
      right = left;
    } else if (stride != null
        && stride.isArray()
        && stride.size() == 2
        && stride.get(0).isNumber()
        && stride.get(1).isNumber()) {
      left = stride.get(0).asDouble();
      right = stride.get(1).asDouble();
    } else if (stride != null && !stride.isNull()) {
      throw new InvalidRequestException(
          NAME
              + ": \"stride_length_s\" must be a number or [left, right], got "
              + JsonShapes.describe(stride));
    }
    return new Options(Windowing.chunked(chunking(chunk, left, right), NAME), timestamps);
  }

  @Override
  Recording input(byte[] bytes, Options options) {
    return new Recording(bytes, options.windowing());
  }

  @Override
  JsonNode answer(Options options, Heard output) {
    return decoder.transcribe(output.ids(), options.timestamps()).toJson();
  }
}
