package ai.hubbatch.bench;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * transformers.js timed on the same model folder and input as hubbatch, one record per call, by
 * {@code scripts/transformersjs-bench.sh}, so {@code hubbatch bench} can state hubbatch's speed
 * over it as ratios measured in the same run.
 */
final class TransformersJs {

  static final String SCRIPT = "scripts/transformersjs-bench.sh";

  private TransformersJs() {}

  /**
   * What one run of the script measured.
   *
   * @param json its report: {@code records_per_s} and {@code cosine_to_first} per dtype
   */
  record Result(JsonNode json) {

    /** Records per second of a dtype, if it was measured. */
    Optional<Double> recordsPerSecond(String dtype) {
      JsonNode rate = json.path("records_per_s").path(dtype);
      return rate.isNumber() ? Optional.of(rate.asDouble()) : Optional.empty();
    }

    /** This result with each dtype's rate the faster of the two runs'. */
    Result fastest(Result other) {
      ObjectNode merged = json.deepCopy();
      ObjectNode rates = (ObjectNode) merged.path("records_per_s");
      other
          .json()
          .path("records_per_s")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().asDouble() > rates.path(e.getKey()).asDouble()) {
                  rates.set(e.getKey(), e.getValue());
                }
              });
      return new Result(merged);
    }
  }

  /**
   * Runs the script.
   *
   * @throws IllegalArgumentException when the script is not here (bench runs from the repository)
   * @throws IOException when it fails (no Node.js, no npm registry, a model it cannot load)
   */
  static Result run(ModelFolder folder, Path input, String task, List<Dtype> dtypes, int repeats)
      throws IOException, InterruptedException {
    Path script = Path.of(SCRIPT);
    if (!Files.isRegularFile(script)) {
      throw new ConfigurationException(
          "--transformers-js runs " + SCRIPT + ": run the bench from the repository's root");
    }
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(script.toString());
    command.add(folder.path().toString());
    command.add(input.toString());
    command.add(task);
    command.add(dtypes.stream().map(Dtype::label).collect(Collectors.joining(",")));
    command.add(Integer.toString(repeats));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        last = line;
      }
    }
    int code = process.waitFor();
    if (code != 0 || last == null) {
      throw new IOException(SCRIPT + " failed (exit " + code + "); its errors are above");
    }
    return new Result(Json.MAPPER.readTree(last));
  }
}
