package ai.hubbatch.cli;

import java.util.List;

/** {@code hubbatch run --runner SparkRunner} on local Spark writes what the DirectRunner writes. */
class SparkParityTest extends DirectRunnerParity {

  @Override
  protected List<String> runnerOptions() {
    return List.of("--runner", "SparkRunner", "--sparkMaster=local[2]");
  }
}
