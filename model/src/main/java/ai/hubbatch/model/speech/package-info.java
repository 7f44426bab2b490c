/**
 * The audio tasks: {@code automatic-speech-recognition} (CTC models and Whisper-style
 * encoder-decoders) and {@code audio-classification}, over recordings that stream through the model
 * in windows, decoded and processed by {@link ai.hubbatch.model.audio}.
 */
package ai.hubbatch.model.speech;
