package ai.hubbatch.model.decode;

import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.batch.Notice;
import ai.hubbatch.model.engine.EngineException;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Tensor;
import ai.hubbatch.model.engine.Value;
import ai.hubbatch.model.stage.StageResults;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes many prompts with continuous batching: a set of row slots under a cache budget, refilled
 * from the waiting prompts as sequences finish.
 *
 * <p>Each iteration first admits waiting prompts, shortest first, while slots and budget allow:
 * they are prefilled together in one engine call (the prompt's logits give each its first token)
 * and join the running rows: a ragged model's rows all share one batch, whatever their lengths (its
 * cache left-padded to one length); other models' prompts decode in lockstep cohorts, one batch
 * each. Then every batch takes one step. A sequence leaves its row when it finishes (EOS, a stop
 * string, its own length limit) and its slot goes to a waiting prompt at the next admission;
 * admissions wait until a quarter of the slots are free (or every waiting prompt fits), so a
 * prefill is worth its engine call and the cache is not rebuilt for every finished row.
 *
 * <p>The cache stays in engine memory throughout: each step feeds the previous step's present
 * values back, and rows leave, reorder (beams), repeat (a prompt's row becoming its beams) or join
 * through {@link CacheGraphs}, never through the heap.
 *
 * <p>A failure of the engine on a batch (or a prefill) restarts each of its prompts alone, from
 * scratch, which gives the same tokens (sampling draws from each prompt's seed); a prompt that
 * fails alone fails alone, and the other batches go on. Not thread-safe: one per runner.
 */
final class DecodeLoop {

  /** A prefill's logits in the engine may take at most this much memory. */
  static final long PREFILL_LOGITS_BYTES = 256L << 20;

  private final GenerationStage stage;
  private final GenerationModel model;
  private final GenerationStage.Sessions sessions;
  private final BatchLimits limits;
  private final InferenceListener listener;
  private final boolean alone;
  private final StageResults<GenerationOutput> results;

  private final Deque<Pending> waiting = new ArrayDeque<>();
  private final List<DecodeBatch> running = new ArrayList<>();

  /** Cache positions the admitted prompts may take at most. */
  private long reserved;

  private record Pending(int index, GenerationInput input) {}

  DecodeLoop(
      GenerationStage stage,
      GenerationStage.Sessions sessions,
      BatchLimits limits,
      InferenceListener listener,
      boolean alone,
      StageResults<GenerationOutput> results) {
    this.stage = stage;
    this.model = stage.model();
    this.sessions = sessions;
    this.limits = limits;
    this.listener = listener;
    this.alone = alone;
    this.results = results;
  }

  /** Decodes every input; each ends in one delivery or one failure. */
  void run(List<GenerationInput> inputs) {
    List<Pending> sorted = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      GenerationInput input = inputs.get(i);
      if (!alone && input.notice() != null) {
        listener.onNotice(new Notice(GenerationStage.TRUNCATED, input.notice()));
      }
      sorted.add(new Pending(i, input));
    }
    // Shortest first, in groups that can share a batch: the first tokens come back soonest, and
    // prompts of similar length share prefills and batches with little padding.
    sorted.sort(
        Comparator.comparing((Pending p) -> stage.batchKey(p.input()))
            .thenComparingInt(p -> p.input().promptLength() + p.input().encoderPositions()));
    waiting.addAll(sorted);
    try {
      while (!waiting.isEmpty() || !running.isEmpty()) {
        admit();
        for (DecodeBatch batch : List.copyOf(running)) {
          step(batch);
        }
      }
    } finally {
      running.forEach(DecodeBatch::close);
    }
  }

  // ---- admission ------------------------------------------------------------------------------

  private void admit() {
    if (waiting.isEmpty()) {
      return;
    }
    // rows that ended (a sampled sequence, a finished cohort) free their slots at once
    int free = limits.maxItems() - running.stream().mapToInt(DecodeBatch::rows).sum();
    int waitingRows = waiting.stream().mapToInt(p -> p.input().rows()).sum();
    if (!running.isEmpty() && free < Math.max(1, limits.maxItems() / 4) && waitingRows > free) {
      return;
    }
    String key = stage.batchKey(waiting.peek().input());
    List<Pending> taken = new ArrayList<>();
    long prefillBudget = stage.prefillTokens(limits);
    int longest = 0;
    while (!waiting.isEmpty()) {
      Pending next = waiting.peek();
      if (!stage.batchKey(next.input()).equals(key)) {
        break;
      }
      int length = next.input().promptLength() + next.input().encoderPositions();
      boolean first = taken.isEmpty() && running.isEmpty();
      if (!first
          && (next.input().rows() > free
              || reserved + cost(next) > limits.maxCost()
              || (long) Math.max(longest, length) * (taken.size() + 1) > prefillBudget)) {
        break;
      }
      waiting.poll();
      taken.add(next);
      free -= next.input().rows();
      reserved += cost(next);
      longest = Math.max(longest, length);
    }
    if (taken.isEmpty()) {
      return;
    }
    DecodeBatch batch;
    try {
      batch = prefill(taken);
    } catch (EngineException e) {
      for (Pending p : taken) {
        release(p.input());
      }
      retryAlone(taken, e);
      return;
    }
    if (batch == null) {
      return;
    }
    DecodeBatch joined = model.ragged() ? running.stream().findFirst().orElse(null) : null;
    if (joined == null) {
      running.add(batch);
      return;
    }
    try {
      merge(joined, batch);
    } catch (EngineException e) {
      running.remove(joined);
      fail(joined, e);
      fail(batch, e);
    }
  }

  private static long cost(Pending p) {
    return p.input().rows() * p.input().reservation();
  }

  private void release(GenerationInput input) {
    reserved -= input.rows() * input.reservation();
  }

  // ---- prefill --------------------------------------------------------------------------------

  /**
   * Prefills the prompts together and gives each its first token; returns the batch of those that
   * go on, or null when all ended at once. Prompts that ended are answered only once the batch is
   * made, so a failure leaves every prompt to retry.
   */
  private DecodeBatch prefill(List<Pending> taken) {
    long start = System.nanoTime();
    HeldCache cache = new HeldCache();
    try {
      Prefilled prefilled;
      try {
        prefilled =
            model.encoderDecoder()
                ? prefillEncoderDecoder(taken, cache)
                : prefillDecoder(taken, cache);
      } catch (EngineException e) {
        reportFailure(taken.size(), start);
        throw e;
      }
      // each prompt's first token, then its rows: a row per sequence or beam, or none if it ended
      List<Integer> sources = new ArrayList<>();
      List<Integer> tokens = new ArrayList<>();
      List<Generation> kept = new ArrayList<>();
      List<Generation> ended = new ArrayList<>();
      for (int i = 0; i < taken.size(); i++) {
        Pending p = taken.get(i);
        Generation g = new Generation(p.index(), p.input(), stage.decoder());
        Generation.Next next = g.first(row(prefilled.logits(), i));
        for (int k = 0; k < next.sources().length; k++) {
          sources.add(i);
          tokens.add(next.tokens()[k]);
        }
        (g.done() ? ended : kept).add(g);
      }
      report(
          taken.size(), prefilled.realTokens(), prefilled.paddedTokens(), start, taken.size(), 0);
      DecodeBatch batch = null;
      if (!kept.isEmpty()) {
        batch =
            new DecodeBatch(kept, cache, prefilled.time(), prefilled.pad(), new int[taken.size()]);
        batch.encoderMask = prefilled.encoderMask();
        select(batch, ints(sources), ints(tokens));
      } else {
        cache.close();
      }
      ended.forEach(this::finish);
      return batch;
    } catch (RuntimeException e) {
      cache.close();
      throw e;
    }
  }

  private static int[] ints(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * A prefill's result: the last position's logits per prompt, and the cache's layout.
   *
   * @param encoderMask per prompt, for an encoder-decoder; null otherwise
   */
  private record Prefilled(
      Tensor logits,
      int time,
      int[] pad,
      long[][] encoderMask,
      long realTokens,
      long paddedTokens) {}

  private Prefilled prefillDecoder(List<Pending> taken, HeldCache cache) {
    int n = taken.size();
    int longest = taken.stream().mapToInt(p -> p.input().promptLength()).max().orElseThrow();
    long[] ids = new long[n * longest];
    long[] mask = new long[n * longest];
    long[] positions = new long[n * longest];
    int[] pad = new int[n];
    long real = 0;
    Arrays.fill(ids, stage.padId());
    Arrays.fill(positions, 1); // padded positions: 1, as transformers fills them
    for (int r = 0; r < n; r++) {
      int[] prompt = taken.get(r).input().prompt();
      pad[r] = longest - prompt.length;
      real += prompt.length;
      for (int t = 0; t < prompt.length; t++) {
        int at = r * longest + pad[r] + t;
        ids[at] = prompt[t];
        mask[at] = 1;
        positions[at] = t;
      }
    }
    Map<String, Value> feed = new HashMap<>(model.emptyPast(n));
    feed.put(GenerationModel.INPUT_IDS, HostTensor.ofLongs(ids, n, longest));
    feed.put(GenerationModel.ATTENTION_MASK, HostTensor.ofLongs(mask, n, longest));
    if (model.first().takes(GenerationModel.POSITION_IDS)) {
      feed.put(GenerationModel.POSITION_IDS, HostTensor.ofLongs(positions, n, longest));
    }
    useCacheBranch(feed, model.first(), false);
    Outputs outputs = sessions.first().run(feed);
    try {
      Tensor logits = lastLogits(outputs);
      for (CacheEntry entry : model.cache()) {
        cache.put(entry.input(), outputs.value(entry.output()), outputs);
      }
      cache.dropIfUnused(outputs);
      return new Prefilled(logits, longest, pad, null, real, (long) n * longest);
    } catch (RuntimeException e) {
      cache.dropIfUnused(outputs);
      throw e;
    }
  }

  private Prefilled prefillEncoderDecoder(List<Pending> taken, HeldCache cache) {
    int n = taken.size();
    EncoderBatch encoded = EncoderBatch.of(taken.stream().map(Pending::input).toList(), stage);
    Outputs encoder = sessions.encoder().run(encoded.feed());
    try {
      cache.put(
          GenerationModel.ENCODER_HIDDEN_STATES,
          encoder.value(GenerationModel.LAST_HIDDEN_STATE),
          encoder);
    } finally {
      cache.dropIfUnused(encoder);
    }
    long[] hiddenShape = cache.get(GenerationModel.ENCODER_HIDDEN_STATES).shape();
    long[][] encoderMask = encoded.mask((int) hiddenShape[1]);
    int length = taken.get(0).input().promptLength(); // one cohort: one decoder start length
    long[] ids = new long[n * length];
    for (int r = 0; r < n; r++) {
      int[] prompt = taken.get(r).input().prompt();
      for (int t = 0; t < length; t++) {
        ids[r * length + t] = prompt[t];
      }
    }
    Map<String, Value> feed = new HashMap<>(model.emptyPast(n));
    feed.put(GenerationModel.INPUT_IDS, HostTensor.ofLongs(ids, n, length));
    if (model.first().takes(GenerationModel.ENCODER_ATTENTION_MASK)) {
      feed.put(GenerationModel.ENCODER_ATTENTION_MASK, flat(encoderMask));
    }
    feed.put(
        GenerationModel.ENCODER_HIDDEN_STATES, cache.get(GenerationModel.ENCODER_HIDDEN_STATES));
    useCacheBranch(feed, model.first(), false);
    Outputs outputs = sessions.first().run(feed);
    try {
      Tensor logits = lastLogits(outputs);
      for (CacheEntry entry : model.cache()) {
        cache.put(entry.input(), outputs.value(entry.output()), outputs);
      }
      if (!model.later().takes(GenerationModel.ENCODER_HIDDEN_STATES)) {
        cache.remove(GenerationModel.ENCODER_HIDDEN_STATES);
      }
      cache.dropIfUnused(outputs);
      return new Prefilled(
          logits,
          length,
          new int[n],
          encoderMask,
          encoded.realTokens() + (long) n * length,
          encoded.paddedTokens() + (long) n * length);
    } catch (RuntimeException e) {
      cache.dropIfUnused(outputs);
      throw e;
    }
  }

  /** The last position's logits per row, copied to the heap as {@code [rows, vocabulary]}. */
  private Tensor lastLogits(Outputs outputs) {
    long[] shape = outputs.shape(GenerationModel.LOGITS);
    if (shape[1] == 1) {
      return outputs.read(GenerationModel.LOGITS);
    }
    try (Outputs last = sessions.cache().last(outputs.value(GenerationModel.LOGITS))) {
      return last.read("y");
    }
  }

  private static float[] row(Tensor logits, int row) {
    int vocabulary = logits.rowSize();
    return Arrays.copyOfRange(logits.data(), row * vocabulary, (row + 1) * vocabulary);
  }

  private static void useCacheBranch(
      Map<String, Value> feed, ai.hubbatch.model.engine.Network network, boolean value) {
    if (network.takes(GenerationModel.USE_CACHE_BRANCH)) {
      feed.put(GenerationModel.USE_CACHE_BRANCH, HostTensor.ofBooleans(new boolean[] {value}, 1));
    }
  }

  private static HostTensor flat(long[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    long[] values = new long[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, values, r * width, width);
    }
    return HostTensor.ofLongs(values, rows.length, width);
  }

  // ---- steps ----------------------------------------------------------------------------------

  private void step(DecodeBatch batch) {
    long start = System.nanoTime();
    int rows = batch.rows();
    Tensor logits;
    try {
      logits = run(batch);
    } catch (EngineException e) {
      reportFailure(rows, start);
      running.remove(batch);
      fail(batch, e);
      return;
    }
    batch.time++;
    List<Integer> sources = new ArrayList<>();
    List<Integer> tokens = new ArrayList<>();
    List<Generation> kept = new ArrayList<>();
    int offset = 0;
    for (Generation g : batch.generations) {
      int occupied = g.rows();
      float[][] own = new float[occupied][];
      for (int k = 0; k < occupied; k++) {
        own[k] = row(logits, offset + k);
      }
      Generation.Next next = g.step(own);
      for (int k = 0; k < next.sources().length; k++) {
        sources.add(offset + next.sources()[k]);
        tokens.add(next.tokens()[k]);
      }
      if (g.done()) {
        finish(g);
      } else {
        kept.add(g);
      }
      offset += occupied;
    }
    batch.generations.clear();
    batch.generations.addAll(kept);
    report(rows, rows, rows, start, rows, limits.maxItems());
    if (kept.isEmpty()) {
      running.remove(batch);
      batch.close();
      return;
    }
    try {
      select(batch, ints(sources), ints(tokens));
    } catch (EngineException e) {
      running.remove(batch);
      fail(batch, e);
    }
  }

  /** Runs one step of the batch; the cache grows by one position and logits come back. */
  private Tensor run(DecodeBatch batch) {
    int rows = batch.rows();
    long[] ids = new long[rows];
    for (int r = 0; r < rows; r++) {
      ids[r] = batch.next[r];
    }
    Map<String, Value> feed = new HashMap<>();
    feed.put(GenerationModel.INPUT_IDS, HostTensor.ofLongs(ids, rows, 1));
    if (model.encoderDecoder()) {
      if (model.later().takes(GenerationModel.ENCODER_ATTENTION_MASK)) {
        feed.put(GenerationModel.ENCODER_ATTENTION_MASK, flat(batch.encoderMask));
      }
      if (model.later().takes(GenerationModel.ENCODER_HIDDEN_STATES)) {
        feed.put(
            GenerationModel.ENCODER_HIDDEN_STATES,
            batch.cache.get(GenerationModel.ENCODER_HIDDEN_STATES));
      }
    } else {
      int width = batch.time + 1;
      long[] mask = new long[rows * width];
      long[] positions = new long[rows];
      for (int r = 0; r < rows; r++) {
        Arrays.fill(mask, r * width + batch.pad[r], (r + 1) * width, 1);
        positions[r] = batch.length(r);
      }
      feed.put(GenerationModel.ATTENTION_MASK, HostTensor.ofLongs(mask, rows, width));
      if (model.later().takes(GenerationModel.POSITION_IDS)) {
        feed.put(GenerationModel.POSITION_IDS, HostTensor.ofLongs(positions, rows, 1));
      }
    }
    for (CacheEntry entry : model.cache()) {
      feed.put(entry.input(), batch.cache.get(entry.input()));
    }
    useCacheBranch(feed, model.later(), true);
    Outputs outputs = sessions.later().run(feed);
    try {
      Tensor logits = outputs.read(GenerationModel.LOGITS);
      for (CacheEntry entry : model.cache()) {
        if (!entry.cross()) {
          batch.cache.put(entry.input(), outputs.value(entry.output()), outputs);
        }
      }
      return logits;
    } finally {
      batch.cache.dropIfUnused(outputs);
    }
  }

  /**
   * Rearranges the batch's rows: new row {@code i} continues old row {@code rows[i]} and feeds
   * {@code tokens[i]} next. Left padding every kept row shares is trimmed. Nothing runs when the
   * rows stay as they are.
   */
  private void select(DecodeBatch batch, int[] rows, int[] tokens) {
    int trim = Integer.MAX_VALUE;
    int[] pad = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      pad[i] = batch.pad[rows[i]];
      trim = Math.min(trim, pad[i]);
    }
    boolean identity = rows.length == batch.rows();
    for (int i = 0; identity && i < rows.length; i++) {
      identity = rows[i] == i;
    }
    if (!identity || trim > 0) {
      for (String name : List.copyOf(batch.cache.names())) {
        Value value = batch.cache.get(name);
        int rank = value.shape().length;
        boolean self = isSelf(name);
        long[] pads = CacheGraphs.pads(rank, CacheEntry.TIME_AXIS, self ? -trim : 0, 0);
        Outputs out =
            sessions.cache().rows(value, rows, rank == CacheEntry.RANK ? pads : zeros(rank));
        batch.cache.put(name, out.value("y"), out);
      }
      if (batch.encoderMask != null) {
        long[][] mask = new long[rows.length][];
        for (int i = 0; i < rows.length; i++) {
          mask[i] = batch.encoderMask[rows[i]];
        }
        batch.encoderMask = mask;
      }
      for (int i = 0; i < pad.length; i++) {
        pad[i] -= trim;
      }
      batch.time -= trim;
    }
    batch.pad = pad;
    batch.next = tokens.clone();
  }

  private boolean isSelf(String name) {
    return model.cache().stream().anyMatch(e -> e.input().equals(name) && !e.cross());
  }

  private static long[] zeros(int rank) {
    return new long[2 * rank];
  }

  /** Joins a new batch's rows after a running batch's, both left-padded to one length. */
  private void merge(DecodeBatch running, DecodeBatch joining) {
    int time = Math.max(running.time, joining.time);
    int[] runningRows = identity(running.rows());
    int[] joiningRows = identity(joining.rows());
    for (CacheEntry entry : model.cache()) {
      Outputs out =
          sessions
              .cache()
              .merge(
                  running.cache.get(entry.input()),
                  runningRows,
                  CacheGraphs.pads(CacheEntry.RANK, CacheEntry.TIME_AXIS, time - running.time, 0),
                  joining.cache.get(entry.input()),
                  joiningRows,
                  CacheGraphs.pads(CacheEntry.RANK, CacheEntry.TIME_AXIS, time - joining.time, 0));
      running.cache.put(entry.input(), out.value("y"), out);
    }
    int[] pad = new int[running.rows() + joining.rows()];
    int[] next = new int[pad.length];
    for (int r = 0; r < running.rows(); r++) {
      pad[r] = running.pad[r] + time - running.time;
      next[r] = running.next[r];
    }
    for (int r = 0; r < joining.rows(); r++) {
      pad[running.rows() + r] = joining.pad[r] + time - joining.time;
      next[running.rows() + r] = joining.next[r];
    }
    running.time = time;
    running.pad = pad;
    running.next = next;
    running.generations.addAll(joining.generations);
    joining.generations.clear();
    joining.close();
  }

  private static int[] identity(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  // ---- endings --------------------------------------------------------------------------------

  private void finish(Generation g) {
    release(g.input);
    results.deliver(g.index, g.output());
  }

  /** The engine failed on a batch: its prompts start again, each alone. */
  private void fail(DecodeBatch batch, EngineException e) {
    List<Pending> again = new ArrayList<>();
    for (Generation g : batch.generations) {
      release(g.input);
      again.add(new Pending(g.index, g.input));
    }
    batch.generations.clear();
    batch.close();
    retryAlone(again, e);
  }

  private void retryAlone(List<Pending> prompts, EngineException e) {
    for (Pending p : prompts) {
      if (alone) {
        results.fail(p.index(), e.getMessage());
        continue;
      }
      StageResults<GenerationOutput> own =
          new StageResults<>() {
            @Override
            public void deliver(int index, GenerationOutput output) {
              results.deliver(p.index(), output);
            }

            @Override
            public void fail(int index, String reason) {
              results.fail(p.index(), reason);
            }
          };
      new DecodeLoop(stage, sessions, limits, listener, true, own).run(List.of(p.input()));
    }
  }

  private void report(int items, long real, long padded, long start, int generated, int slots) {
    listener.onBatch(
        new BatchReport(items, real, padded, System.nanoTime() - start, false, generated, slots));
  }

  private void reportFailure(int items, long start) {
    listener.onBatch(new BatchReport(items, 0, 0, System.nanoTime() - start, true));
  }
}
