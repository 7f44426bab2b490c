package ai.hubbatch.model.speech;

import ai.hubbatch.model.generate.GenerationConfig;

/**
 * One recording for a {@link WhisperStage}: its encoded bytes and how to transcribe it.
 *
 * @param bytes the encoded recording
 * @param language the language asked for, or null (the model's forced one, or detected)
 * @param task {@code transcribe}, {@code translate}, or null for the model's default
 * @param timestamps whether segment timestamps are asked for
 * @param config the generation's parameters (greedy)
 */
record WhisperRecording(
    byte[] bytes, String language, String task, boolean timestamps, GenerationConfig config) {}
