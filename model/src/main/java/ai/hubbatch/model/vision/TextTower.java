package ai.hubbatch.model.vision;

import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A dual encoder's text tower run on its own ({@code text_model.onnx}): the normalized {@code
 * text_embeds} of a prompt set, computed once and kept for the next requests with the same prompts
 * (a batch job usually asks every image about the same labels). Thread-safe: one engine session,
 * used by one thread at a time; text embeddings are few and cached, so they never wait long.
 */
final class TextTower implements AutoCloseable {

  /** Prompt sets whose embeddings are kept. */
  static final int CACHED_PROMPT_SETS = 64;

  private final Network network;
  private final Map<Prompts, float[][]> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Prompts, float[][]> eldest) {
          return size() > CACHED_PROMPT_SETS;
        }
      };
  private NetworkSession session;

  TextTower(Network network) {
    this.network = network;
  }

  /**
   * The prompts' text embeddings, each scaled to length 1.
   *
   * @throws ai.hubbatch.model.engine.EngineException if the engine fails on them
   */
  synchronized float[][] embeddings(Prompts prompts) {
    float[][] cached = cache.get(prompts);
    if (cached != null) {
      return cached;
    }
    if (session == null) {
      session = network.newSession();
    }
    Map<String, HostTensor> inputs = new HashMap<>();
    inputs.put("input_ids", HostTensor.ofLongs(prompts.ids(), prompts.shape()));
    if (network.takes("attention_mask")) {
      inputs.put("attention_mask", HostTensor.ofLongs(prompts.mask(), prompts.shape()));
    }
    Tensor embeds;
    try (Outputs outputs = session.run(inputs)) {
      embeds =
          outputs.read(
              outputs.names().contains("text_embeds") ? "text_embeds" : outputs.names().get(0));
    }
    int width = embeds.rowSize();
    float[][] rows = new float[prompts.count()][];
    for (int i = 0; i < rows.length; i++) {
      float[] row = new float[width];
      System.arraycopy(embeds.data(), i * width, row, 0, width);
      rows[i] = normalized(row);
    }
    cache.put(prompts, rows);
    return rows;
  }

  /** The vector divided by its L2 norm, in float32 as torch's {@code x / x.norm()}. */
  static float[] normalized(float[] vector) {
    double sum = 0;
    for (float v : vector) {
      sum += (double) v * v;
    }
    float norm = (float) Math.sqrt(sum);
    float[] out = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      out[i] = vector[i] / norm;
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close();
    }
    network.close();
  }
}
