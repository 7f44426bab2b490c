package ai.hubbatch.pipeline.dataprocessing;

import ai.hubbatch.model.config.ConfigurationException;

/** SageMaker's {@code DataProcessing.JoinSource}: whether outputs are joined to their input. */
public enum JoinSource {
  NONE,
  INPUT;

  /** Parses {@code None} or {@code Input}, in any case. */
  public static JoinSource parse(String name) {
    for (JoinSource value : values()) {
      if (value.name().equalsIgnoreCase(name.trim())) {
        return value;
      }
    }
    throw new ConfigurationException("Unknown JoinSource '" + name + "': use None or Input");
  }
}
