package ai.hubbatch.serve;

import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the records of concurrent requests through the model together. Requests arrive already
 * tokenized; each engine worker thread owns a {@link BatchPredictor}, takes the oldest waiting
 * request, then keeps taking more until it holds a full engine batch (the batch size or the token
 * budget) or the oldest has waited {@code maxBatchDelay}, and completes them all in one {@link
 * BatchPredictor#complete} call, which sorts their sequences by length and cuts token-budget
 * batches.
 *
 * <p>A request whose caller stopped waiting (it timed out) is dropped before it reaches the engine.
 * {@link #close} lets the workers finish every request already submitted.
 */
final class DynamicBatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DynamicBatcher.class);

  /** The records of one HTTP request and where their outcomes go. */
  private record Job(List<PendingRequest> requests, CompletableFuture<List<Outcome>> result) {

    int sequences() {
      return requests.stream().mapToInt(PendingRequest::items).sum();
    }

    long tokens() {
      return requests.stream().mapToLong(PendingRequest::cost).sum();
    }
  }

  private final ServeSettings settings;
  private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  DynamicBatcher(LoadedModel model, ServeSettings settings, InferenceListener listener) {
    this.settings = settings;
    for (int i = 0; i < settings.engineWorkers(); i++) {
      Thread worker = new Thread(() -> work(model, listener), "hubbatch-engine-" + i);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  /**
   * Queues one request's records.
   *
   * @return their outcomes, in the order given; the caller may complete it exceptionally to
   *     withdraw records that have not reached the engine yet
   * @throws IllegalStateException once closed
   */
  CompletableFuture<List<Outcome>> submit(List<PendingRequest> requests) {
    if (closed) {
      throw new IllegalStateException("The server is shutting down");
    }
    Job job = new Job(List.copyOf(requests), new CompletableFuture<>());
    queue.add(job);
    return job.result();
  }

  private void work(LoadedModel model, InferenceListener listener) {
    try (BatchPredictor predictor = model.newPredictor(settings.limits(), listener)) {
      while (!(closed && queue.isEmpty())) {
        Job first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first != null && !first.result().isDone()) {
          run(predictor, gather(first));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("Engine worker {} stopped", Thread.currentThread().getName(), e);
      throw e;
    }
  }

  /** The first job and those that join it before the batch is full or the delay is over. */
  private List<Job> gather(Job first) throws InterruptedException {
    List<Job> jobs = new ArrayList<>();
    jobs.add(first);
    if (!settings.dynamicBatching()) {
      return jobs;
    }
    int sequences = first.sequences();
    long tokens = first.tokens();
    long deadline = System.nanoTime() + settings.maxBatchDelay().toNanos();
    while (sequences < settings.limits().maxItems() && tokens < settings.limits().maxCost()) {
      long wait = deadline - System.nanoTime();
      // Past the deadline, still take whatever is already waiting.
      Job next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
      if (next == null) {
        break;
      }
      if (!next.result().isDone()) {
        jobs.add(next);
        sequences += next.sequences();
        tokens += next.tokens();
      }
    }
    return jobs;
  }

  private static void run(BatchPredictor predictor, List<Job> jobs) {
    List<PendingRequest> all = new ArrayList<>();
    for (Job job : jobs) {
      all.addAll(job.requests());
    }
    List<Outcome> outcomes;
    try {
      outcomes = predictor.complete(all);
    } catch (RuntimeException e) {
      // complete() answers bad records itself; this is the engine or the JVM failing.
      LOG.error("Engine batch of {} requests failed", jobs.size(), e);
      jobs.forEach(job -> job.result().completeExceptionally(e));
      return;
    }
    int start = 0;
    for (Job job : jobs) {
      int end = start + job.requests().size();
      job.result().complete(List.copyOf(outcomes.subList(start, end)));
      start = end;
    }
  }

  /**
   * Stops taking requests; the workers answer every queued one and stop.
   *
   * @param wait how long to wait for them
   */
  void close(Duration wait) {
    closed = true;
    long deadline = System.nanoTime() + wait.toNanos();
    for (Thread worker : workers) {
      try {
        worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
