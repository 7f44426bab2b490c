package ai.hubbatch.model.inference;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchPlanner;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.TokenBatch;
import ai.hubbatch.model.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine-only measurements for {@code hubbatch bench}: the batches a {@link BatchPredictor} would
 * form from the same requests, timed around the engine call alone; the same batches with their
 * padding taken away, which is the most any batching policy could reach; and batches cut in arrival
 * order under the same limits, the baseline that length sorting improves on.
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

  /** Which batches a measurement runs. */
  public enum Batches {
    /** What {@link BatchPredictor} forms: windows sorted by length, cut under the limits. */
    SORTED,
    /** The same batches with every sequence at its batch's mean length: no padding. */
    ZERO_PADDING,
    /** Cut under the same limits in arrival order, as count-based batchers do. */
    ARRIVAL_ORDER
  }

  /**
   * Runs the requests' sequences in the given batches, timing only the engine.
   *
   * @param window requests per sort window, as a worker's sort buffer holds them
   */
  public static Figures measure(
      LoadedModel model,
      List<PendingRequest> requests,
      BatchLimits limits,
      int window,
      Batches batches) {
    return run(
        model,
        plan(requests, limits, window, batches == Batches.ARRIVAL_ORDER),
        batches == Batches.ZERO_PADDING);
  }

  private static List<List<TokenizedText>> plan(
      List<PendingRequest> requests, BatchLimits limits, int window, boolean arrivalOrder) {
    List<List<TokenizedText>> batches = new ArrayList<>();
    for (int start = 0; start < requests.size(); start += window) {
      List<TokenizedText> sequences = new ArrayList<>();
      for (PendingRequest request :
          requests.subList(start, Math.min(requests.size(), start + window))) {
        if (!request.failed()) {
          for (Object input : request.inputs()) {
            sequences.add((TokenizedText) input);
          }
        }
      }
      long[] lengths = sequences.stream().mapToLong(TokenizedText::length).toArray();
      List<int[]> planned =
          arrivalOrder ? inArrivalOrder(lengths, limits) : BatchPlanner.plan(lengths, limits);
      for (int[] batch : planned) {
        List<TokenizedText> texts = new ArrayList<>(batch.length);
        for (int i : batch) {
          texts.add(sequences.get(i));
        }
        batches.add(texts);
      }
    }
    return batches;
  }

  /** Consecutive sequences while one more fits the count and the padded-token budget. */
  private static List<int[]> inArrivalOrder(long[] lengths, BatchLimits limits) {
    List<int[]> batches = new ArrayList<>();
    int start = 0;
    while (start < lengths.length) {
      int end = start + 1;
      long longest = lengths[start];
      while (end < lengths.length
          && end - start < limits.maxItems()
          && Math.max(longest, lengths[end]) * (end - start + 1) <= limits.maxCost()) {
        longest = Math.max(longest, lengths[end]);
        end++;
      }
      int[] batch = new int[end - start];
      for (int i = start; i < end; i++) {
        batch[i - start] = i;
      }
      batches.add(batch);
      start = end;
    }
    return batches;
  }

  /** The model's text encoder: the bench measures encoder tasks. */
  public static EncoderStage encoder(LoadedModel model) {
    if (model.task().stage() instanceof EncoderStage encoder) {
      return encoder;
    }
    throw new ConfigurationException(
        "hubbatch bench measures text encoder tasks; the task "
            + model.task().name()
            + " runs "
            + model.task().stage().getClass().getSimpleName());
  }

  private static Figures run(
      LoadedModel model, List<List<TokenizedText>> batches, boolean equalLengths) {
    EncoderStage encoder = encoder(model);
    long padId = encoder.padId();
    long sequences = 0;
    long real = 0;
    long padded = 0;
    long nanos = 0;
    try (EncoderStage.Session session = encoder.newSession()) {
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
