/**
 * Text tokenization over the Hub's <code>tokenizer.json</code>, with the offsets, limits and
 * clean-up rules the tasks need.
 */
package ai.hubbatch.model.tokenize;
