/**
 * Text generation on the engine: the ONNX layouts of the Hub's generation exports ({@link
 * ai.hubbatch.model.decode.GenerationModel}), a key/value cache kept in engine memory and
 * rearranged there by small ONNX graphs ({@link ai.hubbatch.model.decode.CacheGraphs}), and the
 * stage that decodes many prompts together with continuous batching ({@link
 * ai.hubbatch.model.decode.GenerationStage}). The engine-free parts (parameters, processors, beam
 * search, chat templates) are in {@link ai.hubbatch.model.generate}.
 */
package ai.hubbatch.model.decode;
