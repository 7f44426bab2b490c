package ai.hubbatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.source.ModelFolder;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's contract without Docker: {@code docker/entrypoint.sh serve} run as SageMaker runs the
 * container, with the model unpacked in an {@code /opt/ml}-style folder, the port from {@code
 * SAGEMAKER_BIND_TO_PORT}, and SIGTERM while requests are in flight.
 */
class EntrypointProcessTest {

  private static final Path ENTRYPOINT = Path.of("../docker/entrypoint.sh").toAbsolutePath();

  @TempDir Path dir;

  private ProcessBuilder entrypoint(String... args) {
    List<String> command = new ArrayList<>(List.of("sh", ENTRYPOINT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.put("HUBBATCH_CLASSPATH", System.getProperty("java.class.path"));
    env.put("JAVA_OPTS", "-Xmx1g");
    env.put("HUBBATCH_CACHE", System.getProperty("HUBBATCH_CACHE", "target/test-cache"));
    env.put("DJL_CACHE_DIR", System.getProperty("DJL_CACHE_DIR", "target/djl-cache"));
    env.put("ai.djl.offline", "true");
    return builder;
  }

  @Test
  void everyImageKeepsTheSageMakerContract() throws Exception {
    for (String flavour : List.of("cpu", "gpu", "inf2")) {
      String dockerfile = Files.readString(Path.of("../docker/Dockerfile." + flavour));
      assertTrue(
          dockerfile.contains("ENTRYPOINT [\"/usr/local/bin/hubbatch-entrypoint\"]"),
          flavour + ": exec form");
      assertTrue(
          dockerfile.contains("COPY docker/entrypoint.sh /usr/local/bin/hubbatch-entrypoint"),
          flavour);
      assertTrue(dockerfile.contains("CMD [\"serve\"]"), flavour);
      assertTrue(
          dockerfile.contains("com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true"),
          flavour);
      assertTrue(dockerfile.contains("mkdir -p /opt/ml/model"), flavour);
      assertTrue(dockerfile.contains("DJL_OFFLINE=true"), flavour + ": nothing downloads at start");
    }
  }

  @Test
  void anyOtherCommandRunsAsGiven() throws Exception {
    Process process = entrypoint("echo", "hello from the image").start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue());
    assertEquals(
        "hello from the image\n",
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void servesTheUnpackedModelAndDrainsOnSigterm() throws Exception {
    Path model = dir.resolve("opt/ml/model");
    Files.createDirectories(model);
    ModelFolder source = ServeFixture.defaultModel().folder();
    for (String file : source.listFiles()) {
      Path target = model.resolve(file);
      Files.createDirectories(target.getParent());
      Files.createSymbolicLink(target, source.path().resolve(file));
    }
    int port = freePort();
    Path log = dir.resolve("serve.log");
    ProcessBuilder builder =
        entrypoint("serve").redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SAGEMAKER_BASE_DIR", dir.resolve("opt/ml").toString());
    builder.environment().put("SAGEMAKER_BIND_TO_PORT", String.valueOf(port));
    builder.environment().remove("HF_MODEL_ID");
    builder.environment().remove("SM_MODEL_DIR");
    Process process = builder.start();
    ExecutorService clients = Executors.newFixedThreadPool(3);
    try {
      awaitPing(port, process, log);
      assertTrue(Files.readString(log).contains("loading " + model), Files.readString(log));

      // Three MultiRecord requests of a few hundred records each, then SIGTERM mid-way.
      List<Future<HttpResponse<String>>> inFlight = new ArrayList<>();
      CountDownLatch sent = new CountDownLatch(3);
      for (int c = 0; c < 3; c++) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 300; i++) {
          body.append("{\"inputs\":\"record ")
              .append(c)
              .append('-')
              .append(i)
              .append(" of a request still running when SIGTERM arrives\"}\n");
        }
        inFlight.add(
            clients.submit(
                () ->
                    ServeFixture.CLIENT.send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/invocations"))
                            .header("Content-Type", "application/json")
                            .POST(counting(body.toString(), sent))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())));
      }
      // Every body has left the client; a moment more for the server to take them in. Answering
      // them takes seconds.
      assertTrue(sent.await(30, TimeUnit.SECONDS), "the request bodies were not sent");
      Thread.sleep(300);
      process.toHandle().destroy(); // SIGTERM, to the JVM itself: the script exec'd it
      for (Future<HttpResponse<String>> response : inFlight) {
        assertEquals(200, response.get(60, TimeUnit.SECONDS).statusCode());
        String[] lines = response.get().body().split("\n", -1);
        assertEquals(300, lines.length);
        assertTrue(lines[299].startsWith("{\"embeddings\":["), lines[299]);
      }
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), Files.readString(log));
      String output = Files.readString(log);
      assertTrue(output.contains("hubbatch serve: stopping (SIGTERM)"), output);
      assertTrue(output.contains("Draining 3 request(s) in flight"), output);
      assertTrue(output.contains("hubbatch serve: stopped\n"), output);
      assertFalse(output.contains("unanswered"), output);
    } finally {
      clients.shutdownNow();
      process.destroyForcibly();
    }
  }

  /** A body that counts {@code sent} down once the client has taken all of it. */
  private static HttpRequest.BodyPublisher counting(String body, CountDownLatch sent) {
    HttpRequest.BodyPublisher bytes = HttpRequest.BodyPublishers.ofString(body);
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return bytes.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> client) {
        bytes.subscribe(
            new Flow.Subscriber<ByteBuffer>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                client.onSubscribe(subscription);
              }

              @Override
              public void onNext(ByteBuffer item) {
                client.onNext(item);
              }

              @Override
              public void onError(Throwable error) {
                client.onError(error);
              }

              @Override
              public void onComplete() {
                client.onComplete();
                sent.countDown();
              }
            });
      }
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPing(int port, Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("serve exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> ping =
            ServeFixture.CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (ping.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no /ping within 90 s: " + Files.readString(log));
  }
}
