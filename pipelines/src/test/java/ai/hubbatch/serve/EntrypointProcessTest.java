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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
        // A drain long enough for a loaded build machine: the point is that it waits, not for how
        // long SageMaker would let it.
        entrypoint("serve", "--drain-seconds", "180")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("SAGEMAKER_BASE_DIR", dir.resolve("opt/ml").toString());
    builder.environment().put("SAGEMAKER_BIND_TO_PORT", String.valueOf(port));
    builder.environment().remove("HF_MODEL_ID");
    builder.environment().remove("SM_MODEL_DIR");
    // The server says at debug level when it has taken a request in.
    builder
        .environment()
        .put(
            "JAVA_OPTS",
            "-Xmx1g -Dorg.slf4j.simpleLogger.log.ai.hubbatch.serve.InferenceServer=debug");
    Process process = builder.start();
    ExecutorService clients = Executors.newFixedThreadPool(3);
    try {
      awaitPing(port, process, log);
      assertTrue(Files.readString(log).contains("loading " + model), Files.readString(log));

      // Three MultiRecord requests of a few hundred records each, then SIGTERM once the server
      // has taken all three in (its debug log says so): answering them takes seconds.
      List<Future<HttpResponse<String>>> inFlight = new ArrayList<>();
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
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())));
      }
      awaitLog(log, process, "3 in flight");
      process.toHandle().destroy(); // SIGTERM, to the JVM itself: the script exec'd it
      for (Future<HttpResponse<String>> response : inFlight) {
        assertEquals(200, response.get(180, TimeUnit.SECONDS).statusCode());
        String[] lines = response.get().body().split("\n", -1);
        assertEquals(300, lines.length);
        assertTrue(lines[299].startsWith("{\"embeddings\":["), lines[299]);
      }
      assertTrue(process.waitFor(180, TimeUnit.SECONDS), Files.readString(log));
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

  /** Waits until the server's log has a line containing {@code text}. */
  private static void awaitLog(Path log, Process process, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("serve exited: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + text + "' within 60 s: " + Files.readString(log));
  }
}
