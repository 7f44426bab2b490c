package ai.hubbatch.model.engine;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.List;

/** One thread's handle on an {@link EncoderModel}. Not thread-safe: each thread opens its own. */
public final class EncoderSession implements AutoCloseable {

  private final Predictor<TokenBatch, List<Tensor>> predictor;

  EncoderSession(Predictor<TokenBatch, List<Tensor>> predictor) {
    this.predictor = predictor;
  }

  /**
   * Runs one padded batch.
   *
   * @return every model output, batch first, copied to the heap
   * @throws EngineException if the engine fails on this batch
   */
  public List<Tensor> run(TokenBatch batch) {
    try {
      return predictor.predict(batch);
    } catch (TranslateException | RuntimeException e) {
      throw new EngineException(e);
    }
  }

  @Override
  public void close() {
    predictor.close();
  }
}
