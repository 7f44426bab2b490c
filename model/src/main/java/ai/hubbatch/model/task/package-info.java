/**
 * The model tasks, named as <code>HF_TASK</code> names them: each turns a request into model inputs
 * and the model's outputs into the toolkit's response shape.
 */
package ai.hubbatch.model.task;
