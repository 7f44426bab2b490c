package ai.hubbatch.model.speech;

/**
 * What an {@link AudioStage} gives for one recording: a CTC model's greedy ids, its windows' joined
 * without their strides, or a classifier's logits for the recording.
 *
 * @param ids the greedy ids, one per kept logits frame; null for a classifier
 * @param logits the classifier's logits; null for a CTC model
 */
record Heard(int[] ids, float[] logits) {}
