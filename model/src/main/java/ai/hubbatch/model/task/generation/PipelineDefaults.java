package ai.hubbatch.model.task.generation;

import ai.hubbatch.model.generate.GenerationConfig;

/**
 * The generation defaults of transformers' pipelines (v4.50 and later): {@code text-generation}
 * generates {@code max_new_tokens} 256; {@code text2text-generation}, {@code summarization} and
 * {@code translation} generate {@code max_new_tokens} 256 with {@code num_beams} 4. A default
 * applies only where the model's files leave the parameter at transformers' global default, and the
 * length default only when neither the model, its task parameters nor the request sets a length
 * ({@code max_length} of 20 is the global default); transformers would let the 256 override a
 * request's own {@code max_length}, which hubbatch does not.
 *
 * @param numBeams the pipeline's beams, or 1 when it sets none
 */
record PipelineDefaults(int numBeams) {

  /** transformers' pipeline {@code max_new_tokens}. */
  static final int MAX_NEW_TOKENS = 256;

  static final PipelineDefaults TEXT_GENERATION = new PipelineDefaults(1);
  static final PipelineDefaults SEQ2SEQ = new PipelineDefaults(4);

  /** The model's parameters with the pipeline's beams where the model leaves them at 1. */
  GenerationConfig over(GenerationConfig model) {
    return model.numBeams() == 1 ? model.withNumBeams(numBeams) : model;
  }

  /**
   * Whether the length default applies: nothing set {@code max_new_tokens}, and {@code max_length}
   * is unset or transformers' global 20.
   */
  static boolean lengthUnset(GenerationConfig config) {
    return config.maxNewTokens() == null
        && (config.maxLength() == null
            || config.maxLength() == GenerationConfig.DEFAULT_MAX_LENGTH);
  }
}
