package ai.hubbatch.model.speech;

/**
 * One recording for an {@link AudioStage}: its encoded bytes (any format FFmpeg reads) and how it
 * is cut into windows. The bytes are decoded in the stage, window by window.
 *
 * @param bytes the encoded recording
 * @param windowing how its samples become model windows
 */
record Recording(byte[] bytes, Windowing windowing) {}
