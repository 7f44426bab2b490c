package ai.hubbatch.model.vision;

import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.function.Consumer;

/** The sample images (samples/images/) and bad images (test resources) as request bodies. */
final class VisionSamples {

  private VisionSamples() {}

  static byte[] sample(String name) {
    Path file =
        Paths.get(System.getProperty("user.dir")).resolve("../samples/images").resolve(name);
    try {
      return Files.readAllBytes(file.normalize());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bad(String name) {
    try (InputStream in = VisionSamples.class.getResourceAsStream("/images/bad/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test image bad/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** {@code {"inputs": <base64 of the sample>, "parameters": {..}}}. */
  static String body(String sample, Consumer<ObjectNode> parameters) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("inputs", base64(sample(sample)));
    parameters.accept(body.putObject("parameters"));
    return body.toString();
  }

  static String body(String sample) {
    return body(sample, p -> {});
  }
}
