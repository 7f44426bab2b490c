/**
 * A loaded model and its per-thread predictors: requests prepared once, batched across requests,
 * answered in order, with failures isolated to the request that caused them.
 */
package ai.hubbatch.model.inference;
