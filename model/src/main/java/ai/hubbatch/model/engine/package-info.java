/**
 * The engine layer: which engine runs a model's files, how it is loaded, and sessions that run
 * batches on it. Nothing above this package touches DJL or ONNX Runtime types.
 */
package ai.hubbatch.model.engine;
