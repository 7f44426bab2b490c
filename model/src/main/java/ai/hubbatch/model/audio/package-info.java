/**
 * Audio for the speech and audio-classification tasks, free of any engine: decoding any format
 * FFmpeg reads to mono float samples as transformers' {@code ffmpeg_read} does, windows over long
 * recordings, the feature extractors (Whisper's log-mel, wav2vec2's normalisation), and the
 * decoding of model outputs (CTC text with timestamps and chunk stitching, Whisper prompts and
 * timestamp tokens, classification scores) as the transformers pipelines compute them.
 */
package ai.hubbatch.model.audio;
