package ai.hubbatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Slow and idle clients against a real server: a request whose headers or body do not arrive in
 * time gets 408 and its connection is closed; an idle kept-alive connection is closed; a client
 * that is slow but in time is served. Before these timeouts, 50 slow clients held their sockets for
 * as long as they liked.
 */
class ConnectionTimeoutsTest {

  /** The longest a test waits for the server to act on a 1 s timeout. */
  private static final int DEADLINE_MILLIS = 15_000;

  private static ServeSettings settings(int header, int body, int idle) {
    return ServeFixture.settings()
        .withConnections(
            ServeFixture.settings()
                .connections()
                .withHeaderTimeout(Duration.ofSeconds(header))
                .withBodyTimeout(Duration.ofSeconds(body))
                .withIdleTimeout(Duration.ofSeconds(idle)));
  }

  private static Socket connect(InferenceServer server) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(DEADLINE_MILLIS);
    return socket;
  }

  /** Everything the server sends until it closes the connection. */
  private static String untilClosed(Socket socket) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      received.write(buffer, 0, n);
    }
    return received.toString(StandardCharsets.UTF_8);
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  @Test
  void slowHeadersAndBodiesGet408AndTheirConnectionsClose() throws Exception {
    try (InferenceServer server =
        ServeFixture.start(ServeFixture.defaultModel(), settings(1, 1, 30))) {
      // The 50 slow clients, each stuck in its headers.
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          Socket socket = connect(server);
          send(socket, "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: appl");
          slow.add(socket);
        }
        for (Socket socket : slow) {
          String answer = untilClosed(socket);
          assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
          assertTrue(
              answer.endsWith(
                  ServeFixture.errorBody(
                      408,
                      "RequestTimeoutException",
                      "The request headers did not arrive within 1 s")),
              answer);
        }
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
      try (Socket body = connect(server)) {
        send(
            body,
            "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"inputs\":");
        String answer = untilClosed(body);
        assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
        assertTrue(answer.contains("The request body did not arrive within 1 s"), answer);
      }
      assertEquals(200, ServeFixture.get(server, "/ping").statusCode(), "the server carries on");
    }
  }

  @Test
  void aSlowClientInTimeIsServedAndAnIdleConnectionIsClosed() throws Exception {
    try (InferenceServer server =
        ServeFixture.start(ServeFixture.defaultModel(), settings(10, 10, 1))) {
      try (Socket socket = connect(server)) {
        // Headers a few bytes at a time, well within the 10 s.
        String body = "{\"inputs\":\"This is a test.\"}";
        String request =
            "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + body.length()
                + "\r\n\r\n"
                + body;
        for (int i = 0; i < request.length(); i += 16) {
          send(socket, request.substring(i, Math.min(request.length(), i + 16)));
          Thread.sleep(20);
        }
        String answer = untilClosed(socket);
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("{\"embeddings\":[0.03359"), answer);
        // Kept alive after the answer, then closed for idling, with nothing more said.
        assertEquals(1, answer.split("HTTP/1.1 ").length - 1, answer);
      }
    }
  }

  @Test
  void listensOnTheBindAddressOnly() throws Exception {
    Optional<InetAddress> other = nonLoopbackAddress();
    assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address");
    ServeSettings loopback =
        ServeFixture.settings()
            .withConnections(ServeFixture.settings().connections().withBindAddress("127.0.0.1"));
    try (InferenceServer server = ServeFixture.start(ServeFixture.defaultModel(), loopback)) {
      assertEquals(200, ServeFixture.get(server, "/ping").statusCode());
      try (Socket socket = new Socket()) {
        assertThrows(
            ConnectException.class,
            () -> socket.connect(new InetSocketAddress(other.get(), server.port()), 5000));
      }
    }
    try (InferenceServer server =
        ServeFixture.start(ServeFixture.defaultModel(), ServeFixture.settings())) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(other.get(), server.port()), 5000);
        assertTrue(socket.isConnected(), "every interface by default");
      }
    }
  }

  @Test
  void readsTheVariablesAndRefusesAnAddressNotOfThisMachine() {
    Connections connections =
        ServeSettings.fromEnvironment(
                Map.of(
                    "SAGEMAKER_BIND_TO_ADDRESS", "127.0.0.1",
                    "SAGEMAKER_MODEL_SERVER_HEADER_TIMEOUT_SECONDS", "5",
                    "SAGEMAKER_MODEL_SERVER_BODY_TIMEOUT_SECONDS", "0",
                    "SAGEMAKER_MODEL_SERVER_IDLE_TIMEOUT_SECONDS", "7"))
            .connections();
    assertEquals(
        new Connections("127.0.0.1", Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(7)),
        connections);
    assertEquals(
        new Connections(
            null, Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)),
        ServeSettings.fromEnvironment(Map.of()).connections());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServeSettings.fromEnvironment(
                    Map.of("SAGEMAKER_MODEL_SERVER_IDLE_TIMEOUT_SECONDS", "soon")));
    assertTrue(bad.getMessage().contains("SAGEMAKER_MODEL_SERVER_IDLE_TIMEOUT_SECONDS"));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ServeFixture.start(
                    ServeFixture.defaultModel(),
                    ServeFixture.settings()
                        .withConnections(
                            ServeFixture.settings().connections().withBindAddress("192.0.2.1"))));
    assertTrue(
        unknown.getMessage().startsWith("Cannot listen on 192.0.2.1, port 0: "),
        unknown.getMessage());
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
