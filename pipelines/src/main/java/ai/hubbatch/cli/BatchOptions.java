package ai.hubbatch.cli;

import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchSizing;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The engine call limits and thread pools, as a picocli mixin: part of {@link InferenceOptions} and
 * of {@code bench}, so both take the same names and defaults.
 */
public final class BatchOptions {

  @Option(
      names = "--batch-size",
      description =
          "Most sequences (images) per engine call; default sized for the device (8 on a "
              + "CPU, 4 images; more on a GPU's free memory, a Neuron model's compiled batch).")
  Integer batchSize;

  @Option(
      names = "--max-batch-tokens",
      description =
          "Most padded tokens (longest x count; for images, processed pixels) per engine call;"
              + " default sized for the device (4096 per CPU core, 8192 to 32768; on a GPU what"
              + " 40%% of its free memory holds for the model's width).")
  Integer maxBatchTokens;

  @Option(
      names = "--intra-op-threads",
      defaultValue = "0",
      description = "Threads per operator; 0 = engine default.")
  int intraOpThreads;

  @Option(
      names = "--inter-op-threads",
      defaultValue = "0",
      description = "Operators run at once; 0 = engine default.")
  int interOpThreads;

  /**
   * The engine call limits: those given, the others derived from the device where the model runs.
   *
   * @throws IllegalArgumentException for limits below 1
   */
  public BatchSizing sizing() {
    return new BatchSizing(batchSize, maxBatchTokens);
  }

  /**
   * The device and these thread pools.
   *
   * @throws IllegalArgumentException for an unknown device or a negative thread count
   */
  public EngineSettings engineSettings(String device) {
    return new EngineSettings(device, intraOpThreads, interOpThreads);
  }

  /** The options given, as command-line arguments for a child process. */
  public List<String> asArguments() {
    List<String> args = new ArrayList<>();
    if (batchSize != null) {
      args.add("--batch-size=" + batchSize);
    }
    if (maxBatchTokens != null) {
      args.add("--max-batch-tokens=" + maxBatchTokens);
    }
    args.add("--intra-op-threads=" + intraOpThreads);
    args.add("--inter-op-threads=" + interOpThreads);
    return args;
  }
}
