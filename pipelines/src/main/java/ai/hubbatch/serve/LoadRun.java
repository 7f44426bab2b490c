package ai.hubbatch.serve;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop HTTP load: {@code clients} threads each send one request, wait for the answer, and
 * send the next, until {@code requests} were sent or {@code maxTime} passed. Only for servers on
 * this machine.
 */
public final class LoadRun {

  /**
   * What a run measured.
   *
   * @param requests requests answered
   * @param failed requests answered with a status other than 200, or not answered
   * @param seconds wall time
   * @param p50Millis median latency
   * @param p99Millis 99th percentile latency
   */
  public record Figures(
      int requests, int failed, double seconds, double p50Millis, double p99Millis) {

    public double requestsPerSecond() {
      return requests / seconds;
    }
  }

  private LoadRun() {}

  /**
   * Runs the load.
   *
   * @param bodies request bodies, sent in turn
   */
  public static Figures run(
      URI invocations,
      String contentType,
      List<String> bodies,
      int clients,
      int requests,
      Duration maxTime)
      throws InterruptedException {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long deadline = System.nanoTime() + maxTime.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Long>>> latencies = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      latencies.add(
          pool.submit(
              () -> {
                List<Long> own = new ArrayList<>();
                for (int i = next.getAndIncrement();
                    i < requests && System.nanoTime() < deadline;
                    i = next.getAndIncrement()) {
                  HttpRequest request =
                      HttpRequest.newBuilder(invocations)
                          .timeout(Duration.ofSeconds(120))
                          .header("Content-Type", contentType)
                          .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size())))
                          .build();
                  long sent = System.nanoTime();
                  try {
                    HttpResponse<Void> response =
                        client.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() != 200) {
                      failed.incrementAndGet();
                    }
                  } catch (java.io.IOException e) {
                    failed.incrementAndGet();
                  }
                  own.add(System.nanoTime() - sent);
                }
                return own;
              }));
    }
    List<Long> all = new ArrayList<>();
    try {
      for (Future<List<Long>> future : latencies) {
        all.addAll(future.get());
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("A load client failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Figures(
        sorted.length, failed.get(), seconds, percentile(sorted, 0.50), percentile(sorted, 0.99));
  }

  private static double percentile(long[] sorted, double fraction) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(fraction * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
