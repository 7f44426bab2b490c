package ai.hubbatch.model.source;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.config.ConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A model in the Hugging Face Hub repository layout on the local disk: {@code config.json}, {@code
 * tokenizer.json}, weights, and the optional sentence-transformers files.
 *
 * <p>Instances are immutable views; the JSON files are read once when the folder is opened.
 */
public final class ModelFolder {

  private final Path path;
  private final JsonNode config;

  private ModelFolder(Path path, JsonNode config) {
    this.path = path;
    this.config = config;
  }

  /**
   * Opens a Hub-layout folder.
   *
   * @throws IllegalArgumentException if the path is not a folder or its config.json is not JSON
   */
  public static ModelFolder open(Path path) {
    Path folder = path.toAbsolutePath().normalize();
    if (!Files.isDirectory(folder)) {
      throw new ConfigurationException("Model folder not found: " + folder);
    }
    return new ModelFolder(folder, readJson(folder.resolve("config.json")));
  }

  public Path path() {
    return path;
  }

  /** The parsed {@code config.json}, or a missing node when the folder has none. */
  public JsonNode config() {
    return config;
  }

  /** A file of the folder given by its path relative to the folder, if it exists. */
  public Optional<Path> file(String relative) {
    Path file = path.resolve(relative);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /** Reads a JSON file of the folder; a missing file gives a missing node. */
  public JsonNode json(String relative) {
    return readJson(path.resolve(relative));
  }

  /** Every regular file in the folder, relative and sorted, for error messages. */
  public List<String> listFiles() {
    try (Stream<Path> files = Files.walk(path, 3)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> path.relativize(f).toString())
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model name for logs: the folder name, or the config's {@code _name_or_path}. */
  public String displayName() {
    String name = config.path("_name_or_path").asText("");
    return name.isEmpty() ? path.getFileName().toString() : name;
  }

  private static JsonNode readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return MissingNode.getInstance();
    }
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigurationException("Not valid JSON: " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
