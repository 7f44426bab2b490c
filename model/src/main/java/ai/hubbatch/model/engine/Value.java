package ai.hubbatch.model.engine;

/**
 * A tensor that can be fed to a model: one built in the Java heap ({@link HostTensor}), or one a
 * previous run of the same engine produced and still holds ({@link Outputs#value}), which is fed
 * back without a copy, as a decoder's key/value cache is from one step to the next.
 */
public sealed interface Value permits HostTensor, EngineValue {

  /** The dimensions. */
  long[] shape();

  /** The element type. */
  DataType type();
}
