package ai.hubbatch.model.inference;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchPlanner;
import ai.hubbatch.model.engine.EncoderSession;
import ai.hubbatch.model.engine.TokenBatch;
import ai.hubbatch.model.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine-only measurements for {@code hubbatch bench}: the batches a {@link BatchPredictor} would
 * form from the same requests, timed around the engine call alone, and the same batches with
 * their padding taken away, which is the most any batching policy could reach.
 */
public final class EngineBench {

  /**
   * What one measurement ran.
   *
   * @param sequences sequences run
   * @param realTokens tokens before padding
   * @param paddedTokens tokens the engine computed over
   * @param seconds time inside the engine
   */
  public record Figures(long sequences, long realTokens, long paddedTokens, double seconds) {

    public double tokensPerSecond() {
      return realTokens / seconds;
    }

    public double sequencesPerSecond() {
      return sequences / seconds;
    }

    public double paddingEfficiency() {
      return paddedTokens == 0 ? 1.0 : (double) realTokens / paddedTokens;
    }
  }

  private EngineBench() {}

  /**
   * Runs the batches the predictor forms: requests in windows of {@code window} (as a worker's
   * sort buffer holds them), each window sorted and cut under {@code limits}.
   */
  public static Figures modelOnly(LoadedModel model, List<PendingRequest> requests,
      BatchLimits limits, int window) {
    return run(model, plan(requests, limits, window), false);
  }

  /**
   * Runs the same batches with every sequence of a batch at the batch's mean length: the same
   * tokens and batch sizes, no padding.
   */
  public static Figures zeroPaddingCeiling(LoadedModel model, List<PendingRequest> requests,
      BatchLimits limits, int window) {
    return run(model, plan(requests, limits, window), true);
  }

  private static List<List<TokenizedText>> plan(List<PendingRequest> requests, BatchLimits limits,
      int window) {
    List<List<TokenizedText>> batches = new ArrayList<>();
    for (int start = 0; start < requests.size(); start += window) {
      List<TokenizedText> sequences = new ArrayList<>();
      for (PendingRequest request : requests.subList(start,
          Math.min(requests.size(), start + window))) {
        if (!request.failed()) {
          sequences.addAll(request.prepared().sequences());
        }
      }
      int[] lengths = sequences.stream().mapToInt(TokenizedText::length).toArray();
      for (int[] batch : BatchPlanner.plan(lengths, limits)) {
        List<TokenizedText> texts = new ArrayList<>(batch.length);
        for (int i : batch) {
          texts.add(sequences.get(i));
        }
        batches.add(texts);
      }
    }
    return batches;
  }

  private static Figures run(LoadedModel model, List<List<TokenizedText>> batches,
      boolean equalLengths) {
    long padId = model.tokenizer().padId();
    long sequences = 0;
    long real = 0;
    long padded = 0;
    long nanos = 0;
    try (EncoderSession session = model.encoder().newSession()) {
      for (List<TokenizedText> texts : batches) {
        TokenBatch batch = equalLengths ? equalLengths(texts, padId) : padded(texts, padId);
        long start = System.nanoTime();
        session.run(batch);
        nanos += System.nanoTime() - start;
        sequences += batch.size();
        real += batch.realTokens();
        padded += batch.paddedTokens();
      }
    }
    return new Figures(sequences, real, padded, nanos / 1e9);
  }

  private static TokenBatch padded(List<TokenizedText> texts, long padId) {
    List<long[]> ids = new ArrayList<>(texts.size());
    List<long[]> types = new ArrayList<>(texts.size());
    for (TokenizedText text : texts) {
      ids.add(text.ids());
      types.add(text.typeIds());
    }
    return TokenBatch.pad(ids, types, padId);
  }

  /** Each sequence cut or cycled to the batch's mean length, so nothing is padding. */
  private static TokenBatch equalLengths(List<TokenizedText> texts, long padId) {
    long total = 0;
    for (TokenizedText text : texts) {
      total += text.length();
    }
    int mean = (int) Math.max(1, Math.round((double) total / texts.size()));
    List<long[]> ids = new ArrayList<>(texts.size());
    List<long[]> types = new ArrayList<>(texts.size());
    for (TokenizedText text : texts) {
      long[] source = text.ids();
      long[] fitted = new long[mean];
      for (int i = 0; i < mean; i++) {
        fitted[i] = source[i % source.length];
      }
      ids.add(fitted);
      types.add(new long[mean]);
    }
    return TokenBatch.pad(ids, types, padId);
  }
}
