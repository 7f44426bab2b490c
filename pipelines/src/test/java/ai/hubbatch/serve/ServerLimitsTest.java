package ai.hubbatch.serve;

import static ai.hubbatch.serve.ServeFixture.errorBody;
import static ai.hubbatch.serve.ServeFixture.invoke;
import static ai.hubbatch.serve.ServeFixture.json;
import static ai.hubbatch.serve.ServeFixture.maxDifference;
import static ai.hubbatch.serve.ServeFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Concurrency, cross-request batching, the queue, timeouts and secrets, on real servers. */
class ServerLimitsTest {

  private static final List<String> TEXTS =
      List.of(
          "This is a test.",
          "A man is eating food.",
          "A man is eating a piece of bread.",
          "The quick brown fox jumps over the lazy dog near the river bank at dawn.",
          "Hi",
          "Batch inference on the JVM",
          "SageMaker sends records in parallel.",
          "Dynamic batching puts records of concurrent requests into one engine call.");

  private static String request(String text) {
    return "{\"inputs\":\"" + text + "\"}";
  }

  private static String lines(int count) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append(request(TEXTS.get(i % TEXTS.size()) + " " + i)).append('\n');
    }
    return body.toString();
  }

  @Test
  void concurrentClientsGetTheirOwnSingleRequestResultsFromSharedBatches() throws Exception {
    try (InferenceServer server =
        ServeFixture.start(ServeFixture.defaultModel(), ServeFixture.settings())) {
      List<JsonNode> alone = new ArrayList<>();
      for (String text : TEXTS) {
        alone.add(json(invoke(server, "application/json", null, request(text))));
      }
      long batchesBefore = server.stats().batches();
      long sequencesBefore = server.stats().sequences();
      int clients = 12;
      int rounds = 6;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<List<String>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          int client = c;
          futures.add(
              pool.submit(
                  () -> {
                    List<String> failures = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                      int index = (client + r) % TEXTS.size();
                      HttpResponse<byte[]> response =
                          invoke(server, "application/json", null, request(TEXTS.get(index)));
                      double difference =
                          response.statusCode() == 200
                              ? maxDifference(json(response), alone.get(index))
                              : Double.NaN;
                      if (!(difference < 1e-5)) {
                        failures.add(
                            response.statusCode() + " " + difference + " " + text(response));
                      }
                    }
                    return failures;
                  }));
        }
        for (Future<List<String>> future : futures) {
          assertEquals(List.of(), future.get());
        }
      } finally {
        pool.shutdownNow();
      }
      long batches = server.stats().batches() - batchesBefore;
      long sequences = server.stats().sequences() - sequencesBefore;
      assertEquals(clients * rounds, sequences);
      // Twelve clients with one record each: engine calls must have held several requests.
      assertTrue(batches < sequences, batches + " engine calls for " + sequences + " records");
    }
  }

  @Test
  void withoutDynamicBatchingEachRequestRunsAlone() throws Exception {
    try (InferenceServer server =
        ServeFixture.start(
            ServeFixture.defaultModel(), ServeFixture.settings().withDynamicBatching(false))) {
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          String text = TEXTS.get(i % TEXTS.size());
          codes.add(
              pool.submit(
                  () -> invoke(server, "application/json", null, request(text)).statusCode()));
        }
        for (Future<Integer> code : codes) {
          assertEquals(200, code.get());
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(12, server.stats().batches());
      assertEquals(12, server.stats().sequences());
    }
  }

  @Test
  void aFullQueueAnswers503AsTheModelServerDoes() throws Exception {
    try (InferenceServer server =
        ServeFixture.start(
            ServeFixture.defaultModel(),
            ServeFixture.settings().withMaxConcurrent(1).withQueueSize(0))) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<HttpResponse<byte[]>> slow =
            pool.submit(() -> invoke(server, "application/json", null, lines(600)));
        // Probing before the first request holds the only thread would race it for the slot.
        while (server.stats().batches() == 0 && !slow.isDone()) {
          Thread.sleep(5);
        }
        HttpResponse<byte[]> rejected = null;
        for (int i = 0; i < 200 && rejected == null && !slow.isDone(); i++) {
          HttpResponse<byte[]> second = invoke(server, "application/json", null, request("x"));
          if (second.statusCode() == 503) {
            rejected = second;
          }
        }
        assertEquals(
            errorBody(
                503,
                "ServiceUnavailableException",
                "No worker is available to "
                    + "serve request for model: model. Consider increasing job queue size."),
            rejected == null ? "no 503 while the first request ran" : text(rejected));
        assertEquals(200, slow.get().statusCode());
        assertEquals(600, text(slow.get()).split("\n").length);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aRequestPastTheTimeoutGets500AndTheServerCarriesOn() throws Exception {
    // The batch delay alone is longer than the timeout.
    try (InferenceServer server =
        ServeFixture.start(
            ServeFixture.defaultModel(),
            ServeFixture.settings()
                .withTimeout(Duration.ofMillis(1))
                .withMaxBatchDelay(Duration.ofMillis(200)))) {
      HttpResponse<byte[]> late = invoke(server, "application/json", null, request("late"));
      assertEquals(500, late.statusCode());
      assertEquals(
          errorBody(
              500,
              "InternalServerException",
              "The model did not answer within 0 s (SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS)"),
          text(late));
      assertEquals(200, ServeFixture.get(server, "/ping").statusCode());
    }
  }

  @Test
  void tokensNeverAppearInErrors() throws Exception {
    String token = "hf_serveTestToken0123456789";
    ServeSettings settings =
        ServeSettings.fromEnvironment(java.util.Map.of("HF_TOKEN", token)).withPort(0);
    try (InferenceServer server = ServeFixture.start(ServeFixture.defaultModel(), settings)) {
      String echoing = "{\"inputs\":{\"" + token + "\":1}}";
      HttpResponse<byte[]> single = invoke(server, "application/json", null, echoing);
      assertEquals(400, single.statusCode());
      assertFalse(text(single).contains(token), text(single));
      assertTrue(text(single).contains("an object with keys ***"), text(single));
      HttpResponse<byte[]> multi =
          invoke(server, "application/jsonlines", null, echoing + "\n" + echoing);
      assertFalse(text(multi).contains(token), text(multi));
      HttpResponse<byte[]> type = invoke(server, "text/" + token, null, "x");
      assertFalse(text(type).contains(token), text(type));
    }
  }
}
