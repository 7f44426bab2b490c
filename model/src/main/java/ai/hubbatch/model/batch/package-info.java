/**
 * Cost-aware batching: cutting pending work into engine calls under count and padded-cost limits,
 * without state or timers.
 */
package ai.hubbatch.model.batch;
