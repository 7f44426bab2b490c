package ai.hubbatch.pipeline;

import ai.hubbatch.model.config.ConfigurationException;

/**
 * SageMaker's {@code BatchStrategy}: how many records a container request would carry. hubbatch
 * calls no container, so it only decides payload framing in SageMaker; here records of a file are
 * always batched for the device by token budget, and each record gets its own output line whatever
 * the strategy (which is what MultiRecord JSON Lines users want and the toolkit breaks).
 */
public enum BatchStrategy {
  SINGLE_RECORD,
  MULTI_RECORD;

  /** Parses {@code SingleRecord}, {@code SINGLE_RECORD} and the like, in any case. */
  public static BatchStrategy parse(String name) {
    String key = name.trim().replace("_", "");
    for (BatchStrategy value : values()) {
      if (value.name().replace("_", "").equalsIgnoreCase(key)) {
        return value;
      }
    }
    throw new ConfigurationException(
        "Unknown BatchStrategy '" + name + "': use SingleRecord or MultiRecord");
  }
}
