package ai.hubbatch.pipeline;

/**
 * Names of the Beam metrics hubbatch reports, in namespace {@code hubbatch}, after Beam
 * RunInference's ({@code num_inferences}, {@code inference_batch_latency_micro_secs}, ...), so
 * every runner's UI shows them. Records read and blank lines are counted where records are read
 * ({@code ai.hubbatch.io.RecordsIO}), inputs withheld under SageMaker's rule where they are written
 * ({@code objects_failed}, {@code ai.hubbatch.io.ResultsIO}).
 */
public final class HubbatchMetrics {

  public static final String NAMESPACE = "hubbatch";

  /** Records read from the inputs (blank lines excluded). */
  public static final String RECORDS_READ = "records_read";

  /** Blank lines skipped. */
  public static final String BLANK_LINES = "blank_lines";

  /** Records that got an output. */
  public static final String RECORDS_OUT = "records_out";

  /** Records that went to the errors file. */
  public static final String RECORDS_FAILED = "records_failed";

  /** Sequences run through the model. */
  public static final String NUM_INFERENCES = "num_inferences";

  /** Engine calls. */
  public static final String BATCHES = "batches";

  /** Engine calls that failed (then split to find the failing record). */
  public static final String FAILED_BATCHES = "failed_batches";

  /** Sequences per engine call (distribution). */
  public static final String BATCH_SIZE = "inference_request_batch_size";

  /** Padded tokens per engine call (distribution). */
  public static final String BATCH_PADDED_TOKENS = "inference_request_batch_padded_tokens";

  /** Tokens before padding, summed. */
  public static final String REAL_TOKENS = "real_tokens";

  /** Tokens the engine computed over, summed. */
  public static final String PADDED_TOKENS = "padded_tokens";

  /** Time per engine call (distribution). */
  public static final String BATCH_LATENCY = "inference_batch_latency_micro_secs";

  /** Real tokens per thousand padded tokens, per engine call (distribution). */
  public static final String BATCH_PADDING_EFFICIENCY =
      "inference_batch_padding_efficiency_per_mille";

  /** Tokens generated (generation tasks), summed. */
  public static final String GENERATED_TOKENS = "generated_tokens";

  /**
   * Rows busy over the decoding steps of generation, summed: with {@link #STEP_SLOTS}, occupancy.
   */
  public static final String STEP_ROWS = "decoding_step_rows";

  /** Rows the decoding steps could have held, summed. */
  public static final String STEP_SLOTS = "decoding_step_slots";

  /**
   * Prefix of the counters of notices by kind ({@code notice: prompts truncated to fit the model's
   * context}): inputs answered with something the user should know.
   */
  public static final String NOTICE_PREFIX = "notice: ";

  /**
   * Time to load the model (distribution): one value per load, so its count is the number of JVMs
   * that loaded it.
   */
  public static final String LOAD_MODEL_LATENCY = "load_model_latency_milli_secs";

  private HubbatchMetrics() {}
}
