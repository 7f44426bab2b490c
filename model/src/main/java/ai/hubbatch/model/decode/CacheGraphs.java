package ai.hubbatch.model.decode;

import ai.hubbatch.model.engine.DataType;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.Networks;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Small ONNX graphs that rearrange engine-held tensors where they are, so a decoder's key/value
 * cache never travels through the Java heap between steps. {@code scripts/cache-graphs.py} writes
 * them into this package's resources, one per element type (float32, float16):
 *
 * <ul>
 *   <li>{@code rows}: {@code Pad(Gather(x, rows, axis=0), pads)}: keeps, repeats or reorders batch
 *       rows (finished sequences leave, beams reorder, a prompt's row becomes its beams) and pads
 *       or, with negative pads, trims a time axis;
 *   <li>{@code merge}: {@code Concat(Pad(Gather(a, ...)), Pad(Gather(b, ...)), axis=0)}: joins
 *       newly prefilled rows to a running batch at one time length;
 *   <li>{@code last}: the last position of a prefill's logits as float32, so only one row per
 *       sequence is copied to the heap.
 * </ul>
 *
 * <p>They run on the model's own engine and device settings through {@link Networks#onnx}, like any
 * model. Thread-safe: graphs load once, on first use; each thread runs them through its own {@link
 * Session}.
 */
public final class CacheGraphs implements AutoCloseable {

  private static final String RESOURCE = "/ai/hubbatch/model/decode/";

  private final EngineSettings settings;
  private final Map<DataType, Map<String, Network>> loaded = new EnumMap<>(DataType.class);

  public CacheGraphs(EngineSettings settings) {
    this.settings = settings;
  }

  private synchronized Network graph(String name, DataType type) {
    String suffix =
        switch (type) {
          case FLOAT32 -> "float32";
          case FLOAT16 -> "float16";
          default -> throw new IllegalArgumentException("No cache graph for " + type + " tensors");
        };
    return loaded
        .computeIfAbsent(type, t -> new HashMap<>())
        .computeIfAbsent(name, n -> load(n + "-" + suffix + ".onnx"));
  }

  private Network load(String file) {
    try (InputStream in = CacheGraphs.class.getResourceAsStream(RESOURCE + file)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + RESOURCE + file);
      }
      // ONNX Runtime reads the file when it creates the session; the copy is not needed after.
      Path copy = Files.createTempFile("hubbatch-" + file.replace(".onnx", "-"), ".onnx");
      try {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        return Networks.onnx(copy, settings);
      } finally {
        Files.deleteIfExists(copy);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A session for the calling thread. */
  public Session newSession() {
    return new Session();
  }

  @Override
  public synchronized void close() {
    loaded.values().forEach(graphs -> graphs.values().forEach(Network::close));
    loaded.clear();
  }

  /** One thread's runs of the graphs. Not thread-safe. */
  public final class Session implements AutoCloseable {

    private final Map<Network, NetworkSession> sessions = new HashMap<>();

    private Session() {}

    private Outputs run(String name, DataType type, Map<String, Value> inputs) {
      Network network = graph(name, type);
      return sessions.computeIfAbsent(network, Network::newSession).run(inputs);
    }

    /**
     * Rows of {@code x} (by index, in order, repeats allowed), then padding with zeros or, where
     * negative, trimming at each end of each axis.
     *
     * @param pads {@code 2 * rank} values: the start of every axis, then the end of every axis
     * @return outputs holding the result as {@code y}
     */
    public Outputs rows(Value x, int[] rows, long[] pads) {
      Map<String, Value> inputs = new HashMap<>();
      inputs.put("x", x);
      inputs.put("rows", indices(rows));
      inputs.put("pads", HostTensor.ofLongs(pads, pads.length));
      return run("rows", x.type(), inputs);
    }

    /**
     * Rows of {@code a} then rows of {@code b}, each padded first, as one tensor.
     *
     * @return outputs holding the result as {@code y}
     */
    public Outputs merge(Value a, int[] aRows, long[] aPads, Value b, int[] bRows, long[] bPads) {
      Map<String, Value> inputs = new HashMap<>();
      inputs.put("a", a);
      inputs.put("a_rows", indices(aRows));
      inputs.put("a_pads", HostTensor.ofLongs(aPads, aPads.length));
      inputs.put("b", b);
      inputs.put("b_rows", indices(bRows));
      inputs.put("b_pads", HostTensor.ofLongs(bPads, bPads.length));
      return run("merge", a.type(), inputs);
    }

    /**
     * The last position of {@code [batch, positions, vocabulary]} logits, as float32.
     *
     * @return outputs holding {@code [batch, vocabulary]} as {@code y}
     */
    public Outputs last(Value logits) {
      return run("last", logits.type(), Map.of("logits", logits));
    }

    private static HostTensor indices(int[] rows) {
      long[] values = new long[rows.length];
      for (int i = 0; i < rows.length; i++) {
        values[i] = rows[i];
      }
      return HostTensor.ofLongs(values, values.length);
    }

    @Override
    public void close() {
      sessions.values().forEach(NetworkSession::close);
      sessions.clear();
    }
  }

  /**
   * Pads for {@link Session#rows} and {@link Session#merge}: {@code start} more (or, negative,
   * fewer) elements at the start of one axis of a tensor of rank {@code rank}, {@code end} at its
   * end.
   */
  public static long[] pads(int rank, int axis, long start, long end) {
    long[] pads = new long[2 * rank];
    pads[axis] = start;
    pads[rank + axis] = end;
    return pads;
  }
}
