package ai.hubbatch.bench;

import ai.hubbatch.cli.BatchOptions;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.inference.BatchSizing;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options {@code bench} shares with its per-engine child runs. */
public final class BenchSettings {

  @Option(
      names = {"-i", "--input"},
      defaultValue = "samples/bench/paragraphs.jsonl",
      description =
          "JSON Lines input (default ${DEFAULT-VALUE}: 1,000 paragraphs of 4 to 316 " + "words).")
  String input;

  @Option(names = "--sort-buffer", defaultValue = "1024", description = "As in run.")
  int sortBuffer;

  @Option(
      names = "--repeats",
      defaultValue = "2",
      description = "Measured runs of each kind; the fastest counts (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--output",
      defaultValue = "out/bench/",
      description =
          "Where each engine's first job (the one a user's run is) leaves its outputs and run"
              + " report, in a folder named after the engine (default ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--no-report", description = "Write no run report for the engines' jobs.")
  boolean noReport;

  @Mixin BatchOptions batch = new BatchOptions();

  BatchSizing sizing() {
    return batch.sizing();
  }

  EngineSettings engineSettings() {
    return batch.engineSettings("cpu");
  }

  /** The same settings as command-line arguments, for a child run. */
  List<String> asArguments() {
    List<String> args = new ArrayList<>();
    args.add("--input=" + input);
    args.add("--sort-buffer=" + sortBuffer);
    args.add("--repeats=" + repeats);
    args.add("--output=" + output);
    if (noReport) {
      args.add("--no-report");
    }
    args.addAll(batch.asArguments());
    return args;
  }
}
