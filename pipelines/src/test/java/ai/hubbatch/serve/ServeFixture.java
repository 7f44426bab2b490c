package ai.hubbatch.serve;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.SharedModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Real servers on loopback with the real default model, and an HTTP client for them. */
final class ServeFixture {

  /** all-MiniLM-L6-v2's published embedding of "This is a test.", first five numbers. */
  static final double[] REFERENCE = {0.03359077, 0.01051252, -0.01749979, 0.02935180, -0.00941951};

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private ServeFixture() {}

  /** The default model, sentence-embeddings, loaded once per test JVM. */
  static LoadedModel defaultModel() {
    return SharedModels.get(ModelSpec.defaults());
  }

  /** Toolkit defaults, any free port. */
  static ServeSettings settings() {
    return ServeSettings.fromEnvironment(Map.of()).withPort(0);
  }

  static InferenceServer start(LoadedModel model, ServeSettings settings) throws Exception {
    return InferenceServer.start(model, settings);
  }

  static URI uri(InferenceServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** POSTs to /invocations; null headers are left out. */
  static HttpResponse<byte[]> invoke(
      InferenceServer server, String contentType, String accept, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(server, "/invocations"))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> invoke(
      InferenceServer server, String contentType, String accept, String body)
      throws IOException, InterruptedException {
    return invoke(server, contentType, accept, body.getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<byte[]> get(InferenceServer server, String path)
      throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(uri(server, path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return Json.MAPPER.readTree(response.body());
  }

  static JsonNode json(String text) throws IOException {
    return Json.MAPPER.readTree(text);
  }

  /** The toolkit's error body, exactly as its model server writes it. */
  static String errorBody(int code, String type, String message) {
    return "{\n  \"code\": "
        + code
        + ",\n  \"type\": \""
        + type
        + "\",\n  \"message\": \""
        + message
        + "\"\n}\n";
  }

  /** The largest difference between two equally shaped arrays of numbers. */
  static double maxDifference(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return Math.abs(a.doubleValue() - b.doubleValue());
    }
    if (a.size() != b.size() || a.getNodeType() != b.getNodeType()) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    if (a.isObject()) {
      for (java.util.Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        max =
            b.has(name)
                ? Math.max(max, maxDifference(a.get(name), b.get(name)))
                : Double.POSITIVE_INFINITY;
      }
      return max;
    }
    for (int i = 0; i < a.size(); i++) {
      max = Math.max(max, maxDifference(a.get(i), b.get(i)));
    }
    return max;
  }
}
