package ai.hubbatch.model.engine;

import ai.hubbatch.model.config.ConfigurationException;
import java.io.Serializable;
import java.util.Locale;

/**
 * How an engine runs: device and thread pools. Zero thread counts leave the engine's own default.
 *
 * @param device {@code cpu}, {@code gpu} or {@code auto}
 * @param intraOpThreads threads one operator may use
 * @param interOpThreads threads running independent operators at once
 */
public record EngineSettings(String device, int intraOpThreads, int interOpThreads)
    implements Serializable {

  /** Auto device and the engines' own thread defaults. */
  public static EngineSettings defaults() {
    return new EngineSettings("auto", 0, 0);
  }

  public EngineSettings {
    device = device.toLowerCase(Locale.ROOT);
    if (!device.equals("cpu") && !device.equals("gpu") && !device.equals("auto")) {
      throw new ConfigurationException("Unknown device '" + device + "': use cpu, gpu or auto");
    }
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new ConfigurationException("Thread counts must not be negative");
    }
  }

  public EngineSettings withDevice(String value) {
    return new EngineSettings(value, intraOpThreads, interOpThreads);
  }

  public EngineSettings withIntraOpThreads(int value) {
    return new EngineSettings(device, value, interOpThreads);
  }

  public EngineSettings withInterOpThreads(int value) {
    return new EngineSettings(device, intraOpThreads, value);
  }
}
