package ai.hubbatch.cli;

import java.util.List;

/**
 * {@code hubbatch run --runner FlinkRunner} on an embedded Flink writes what the DirectRunner
 * writes.
 */
class FlinkParityTest extends DirectRunnerParity {

  @Override
  protected List<String> runnerOptions() {
    return List.of("--runner", "FlinkRunner", "--flinkMaster=[local]", "--parallelism=2");
  }
}
