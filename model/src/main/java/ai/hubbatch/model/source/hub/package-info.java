/**
 * The Hugging Face Hub client: revision resolution, verified downloads and huggingface_hub's cache
 * layout.
 */
package ai.hubbatch.model.source.hub;
