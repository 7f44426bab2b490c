package ai.hubbatch.model.audio;

/**
 * A stretch of a recording: its first sample's index, its samples, and whether the recording ends
 * within it.
 */
public record AudioWindow(long start, float[] samples, boolean last) {}
