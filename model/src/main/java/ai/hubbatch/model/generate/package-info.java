/**
 * The engine-free parts of text generation, as transformers does them: the merged generation
 * parameters ({@link ai.hubbatch.model.generate.GenerationConfig}), the logits processors and
 * sampling warpers ({@link ai.hubbatch.model.generate.LogitsProcessor}), reproducible token choice
 * ({@link ai.hubbatch.model.generate.TokenSampler}), one greedy or sampled sequence's state ({@link
 * ai.hubbatch.model.generate.Continuation}), beam search bookkeeping ({@link
 * ai.hubbatch.model.generate.BeamSearch}), stop strings, chat templates and prompt truncation.
 *
 * <p>A decoding loop drives them step by step: per step it has one float logits row per live
 * sequence (or beam), hands each row to its {@code Continuation} or {@code BeamSearch}, and feeds
 * the tokens they choose to the model.
 */
package ai.hubbatch.model.generate;
