package ai.hubbatch.cli;

import ai.hubbatch.model.config.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Beam runners a job runs on, and the jar each comes in. The default jar holds the DirectRunner
 * only, so it stays lean; FlinkRunner and SparkRunner have jars of their own, built by the {@code
 * flink} and {@code spark} Maven profiles (the {@code hubbatch} launcher builds and picks them). A
 * runner missing from the running jar is refused with the jar to use.
 */
enum Runner {
  DIRECT("DirectRunner", "org.apache.beam.runners.direct.DirectRunner", "pipelines", "hubbatch"),
  FLINK("FlinkRunner", "org.apache.beam.runners.flink.FlinkRunner", "flink", "hubbatch-flink"),
  SPARK("SparkRunner", "org.apache.beam.runners.spark.SparkRunner", "spark", "hubbatch-spark");

  private final String beamName;
  private final String className;
  private final String module;
  private final String jar;

  Runner(String beamName, String className, String module, String jar) {
    this.beamName = beamName;
    this.className = className;
    this.module = module;
    this.jar = jar;
  }

  /**
   * The runner of this name, as Beam's {@code --runner} takes it (case does not matter).
   *
   * @throws IllegalArgumentException for any other name, listing the runners
   */
  static Runner parse(String name) {
    for (Runner runner : values()) {
      if (runner.beamName.equalsIgnoreCase(name.trim())) {
        return runner;
      }
    }
    throw new ConfigurationException(
        "Unknown --runner '"
            + name
            + "': use "
            + Arrays.stream(values()).map(r -> r.beamName).collect(Collectors.joining(", ")));
  }

  /**
   * Beam's option naming this runner, once it is known to be in this jar.
   *
   * @throws IllegalArgumentException if this jar lacks the runner, naming the jar that has it
   */
  String beamOption() {
    try {
      Class.forName(className, false, Runner.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ConfigurationException(
          String.format(
              Locale.ROOT,
              "%s is not in this jar: run it with ./hubbatch, which builds %s/target/%s.jar on "
                  + "first use, or build that jar with: mvn -P%s -DskipTests package -pl %s -am",
              beamName,
              module,
              jar,
              module,
              module));
    }
    return "--runner=" + beamName;
  }
}
