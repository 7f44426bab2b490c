package ai.hubbatch.model.stage;

import ai.hubbatch.model.batch.BatchLimits;

/**
 * Batch limits a stage derived for its device, and how, for the job's log.
 *
 * @param limits the limits
 * @param reason what they were sized for: {@code sized for 2 CPU cores}
 */
public record SizedLimits(BatchLimits limits, String reason) {}
