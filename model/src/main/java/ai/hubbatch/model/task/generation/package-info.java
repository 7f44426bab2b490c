/**
 * The generation tasks ({@code text-generation}, {@code text2text-generation}, {@code
 * summarization}, {@code translation} and {@code translation_xx_to_yy}): requests and responses as
 * transformers' pipelines take and give them, over the decoding stage of {@link
 * ai.hubbatch.model.decode}. Supplied by {@link ai.hubbatch.model.task.generation.GenerationTasks}.
 */
package ai.hubbatch.model.task.generation;
