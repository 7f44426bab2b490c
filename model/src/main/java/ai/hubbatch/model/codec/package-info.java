/**
 * The Inference Toolkit's request format (<code>{"inputs": ..., "parameters": {...}}</code>) and
 * the JSON helpers every task shares.
 */
package ai.hubbatch.model.codec;
