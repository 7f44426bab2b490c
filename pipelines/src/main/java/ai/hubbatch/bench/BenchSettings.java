package ai.hubbatch.bench;

import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.engine.EngineSettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code bench} shares with its per-engine child runs. */
public final class BenchSettings {

  @Option(names = {"-i", "--input"}, defaultValue = "samples/bench/paragraphs.jsonl",
      description = "JSON Lines input (default ${DEFAULT-VALUE}: 1,000 paragraphs of 4 to 316 "
          + "words).")
  String input;

  @Option(names = "--batch-size", description = "As in run; default sized for the device.")
  Integer batchSize;

  @Option(names = "--max-batch-tokens", description = "As in run; default sized for the device.")
  Integer maxBatchTokens;

  @Option(names = "--sort-buffer", defaultValue = "1024", description = "As in run.")
  int sortBuffer;

  @Option(names = "--repeats", defaultValue = "2",
      description = "Measured runs of each kind; the fastest counts (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--intra-op-threads", defaultValue = "0", description = "As in run.")
  int intraOpThreads;

  @Option(names = "--inter-op-threads", defaultValue = "0", description = "As in run.")
  int interOpThreads;

  BatchSizing sizing() {
    return new BatchSizing(batchSize, maxBatchTokens);
  }

  EngineSettings engineSettings() {
    return new EngineSettings("cpu", intraOpThreads, interOpThreads);
  }

  /** The same settings as command-line arguments, for a child run. */
  List<String> asArguments() {
    List<String> args = new ArrayList<>();
    args.add("--input=" + input);
    if (batchSize != null) {
      args.add("--batch-size=" + batchSize);
    }
    if (maxBatchTokens != null) {
      args.add("--max-batch-tokens=" + maxBatchTokens);
    }
    args.add("--sort-buffer=" + sortBuffer);
    args.add("--repeats=" + repeats);
    args.add("--intra-op-threads=" + intraOpThreads);
    args.add("--inter-op-threads=" + interOpThreads);
    return args;
  }
}
