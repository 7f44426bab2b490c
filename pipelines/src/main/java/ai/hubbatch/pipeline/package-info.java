/**
 * The Beam pipeline of a batch job: read, predict in batches, write; its options, metrics and
 * summary.
 */
package ai.hubbatch.pipeline;
