package ai.hubbatch.model.decode;

import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Value;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engine-held tensors of one batch (cache entries by input name, encoder states), with the
 * engine outputs that own them: an {@link Outputs} is closed, freeing its engine memory, once none
 * of its values is held any more. A step's outputs hold the grown cache; the first step's outputs
 * keep holding an encoder-decoder's cross-attention cache for as long as the batch lives. Not
 * thread-safe.
 */
final class HeldCache implements AutoCloseable {

  private final Map<String, Value> values = new LinkedHashMap<>();
  private final Map<String, Outputs> owners = new LinkedHashMap<>();
  private final Map<Outputs, Integer> holds = new IdentityHashMap<>();

  /**
   * Holds {@code value}, owned by {@code owner}, under {@code name}, releasing what it replaces.
   */
  void put(String name, Value value, Outputs owner) {
    holds.merge(owner, 1, Integer::sum);
    release(name);
    values.put(name, value);
    owners.put(name, owner);
  }

  /** Closes {@code outputs} if nothing in this cache holds one of its values. */
  void dropIfUnused(Outputs outputs) {
    if (!holds.containsKey(outputs)) {
      outputs.close();
    }
  }

  private void release(String name) {
    Outputs owner = owners.remove(name);
    values.remove(name);
    if (owner != null && holds.merge(owner, -1, Integer::sum) == 0) {
      holds.remove(owner);
      owner.close();
    }
  }

  /** Stops holding {@code name}. */
  void remove(String name) {
    release(name);
  }

  Value get(String name) {
    Value value = values.get(name);
    if (value == null) {
      throw new IllegalStateException("No cached " + name);
    }
    return value;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  Set<String> names() {
    return values.keySet();
  }

  /** Frees every held tensor. */
  @Override
  public void close() {
    holds.keySet().forEach(Outputs::close);
    holds.clear();
    values.clear();
    owners.clear();
  }
}
