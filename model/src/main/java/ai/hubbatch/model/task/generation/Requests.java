package ai.hubbatch.model.task.generation;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.generate.GenerationConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A request's generation parameters over the model's ({@link Generator#base()}), and what the task
 * itself reads from them.
 *
 * @param config the merged, validated parameters
 * @param defaultLength whether the length is the pipeline's default 256 new tokens, which a short
 *     context may cap (nothing set a length)
 * @param seed the seed of the request's first prompt: the request's own, or one drawn at random
 */
record Requests(GenerationConfig config, boolean defaultLength, long seed) {

  /**
   * Pipeline-call arguments every generation task takes that change nothing here: inputs are always
   * cut to fit and padded per batch, and hubbatch batches across requests itself.
   */
  static final Set<String> ALWAYS =
      Set.of("truncation", "padding", "batch_size", "num_workers", "handle_long_generation");

  /**
   * Merges the request's parameters.
   *
   * @param taskParameters the names the task reads itself ({@code return_full_text}, ...)
   * @throws InvalidRequestException for an unknown parameter (naming the accepted ones) or a value
   *     out of range
   */
  static Requests of(Generator generator, ObjectNode parameters, Set<String> taskParameters) {
    Set<String> accepted = new HashSet<>(taskParameters);
    accepted.addAll(ALWAYS);
    GenerationConfig start = generator.base();
    JsonNode doSample = parameters.get("do_sample");
    if (generator.beamsFromPipeline()
        && doSample != null
        && doSample.asBoolean(false)
        && !parameters.has("num_beams")) {
      // the pipeline's beams are a default for search; a request that samples samples one beam
      start = start.withNumBeams(1);
    }
    GenerationConfig config = start.withRequest(parameters, accepted);
    boolean defaultLength =
        !parameters.has("max_new_tokens")
            && !parameters.has("max_length")
            && PipelineDefaults.lengthUnset(start);
    if (defaultLength) {
      config = config.withMaxNewTokens(PipelineDefaults.MAX_NEW_TOKENS).validated();
    }
    long seed = config.seed() != null ? config.seed() : ThreadLocalRandom.current().nextLong();
    return new Requests(config, defaultLength, seed);
  }

  /**
   * The seed of a request's prompt {@code index}: each prompt of a list draws its own tokens, the
   * same ones in any batch.
   */
  long seed(int index) {
    return index == 0 ? seed : new SplittableRandom(seed).split().nextLong() + index;
  }
}
