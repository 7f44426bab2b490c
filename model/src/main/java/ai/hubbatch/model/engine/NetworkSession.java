package ai.hubbatch.model.engine;

import java.util.Map;

/** One thread's handle on a {@link Network}. Not thread-safe: each thread opens its own. */
public interface NetworkSession extends AutoCloseable {

  /**
   * Runs the graph once.
   *
   * @param inputs every input the graph takes, by name; engine-held values must come from this
   *     network's engine and still be open
   * @return the outputs, which hold engine memory until closed
   * @throws EngineException if the engine fails on these inputs
   * @throws IllegalArgumentException if an input is missing, unknown or of the wrong type
   */
  Outputs run(Map<String, ? extends Value> inputs);

  @Override
  void close();
}
