package ai.hubbatch.model.batch;

/**
 * What one engine call did, for metrics. Costs are in the stage's unit: tokens for text.
 *
 * @param items inputs in the batch (sequences, images, ...)
 * @param realCost the inputs' own cost, before padding
 * @param paddedCost what the engine computed over, padding included
 * @param nanos time in the engine
 * @param failed whether the engine failed on it
 */
public record BatchReport(int items, long realCost, long paddedCost, long nanos, boolean failed) {}
