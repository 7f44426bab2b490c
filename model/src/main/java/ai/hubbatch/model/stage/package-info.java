/**
 * How task inputs run on a model: stages that batch the inputs of many requests into engine calls
 * (a single forward pass over tokens or pixels, or a decoding loop), and the per-thread runners
 * that do it with failures isolated to the input that caused them.
 */
package ai.hubbatch.model.stage;
