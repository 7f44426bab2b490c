package ai.hubbatch.model.source;

import ai.hubbatch.model.config.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The model hubbatch runs when none is named: sentence-transformers/all-MiniLM-L6-v2, shipped
 * inside the jar (the ONNX weights and tokenizer from langchain4j's Maven artifacts, the Hub's
 * other files from hubbatch's resources) and written out as a Hub-layout folder on first use. It
 * holds the weights in fp32 ({@code onnx/model.onnx}) and in q8 ({@code onnx/model_quantized.onnx},
 * 8-bit dynamic quantization): the files of the Hub's {@code Xenova/all-MiniLM-L6-v2} export.
 *
 * <p>The folder is written to a temporary sibling and renamed into place when complete, so
 * concurrent first runs never see a half-written model.
 */
public final class DefaultModel {

  /** The Hub id of the default model. */
  public static final String ID = "sentence-transformers/all-MiniLM-L6-v2";

  private static final String METADATA = "/ai/hubbatch/model/default/all-MiniLM-L6-v2/";
  private static final List<String> METADATA_FILES =
      List.of(
          "config.json",
          "modules.json",
          "1_Pooling/config.json",
          "sentence_bert_config.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "README.md");
  private static final String ONNX = "/all-minilm-l6-v2.onnx";
  private static final String ONNX_Q8 = "/all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
  private static final String COMPLETE = ".complete";

  private DefaultModel() {}

  /** The folder under hubbatch's cache, written on first call. */
  public static ModelFolder folder() {
    return folder(CacheFolders.hubbatch().resolve("models"));
  }

  /**
   * Where {@code scripts/torchscript-default-model.sh} writes the TorchScript copy of the default
   * model's weights by default: {@code $HUBBATCH_CACHE/torchscript/all-MiniLM-L6-v2/model.pt}.
   */
  public static Path generatedTorchScript() {
    return CacheFolders.hubbatch().resolve("torchscript/all-MiniLM-L6-v2/model.pt");
  }

  /**
   * The default model with TorchScript weights for the PyTorch engine instead of ONNX: the same Hub
   * files next to {@code pt}, in a sibling of the ONNX folder.
   *
   * @param pt a TorchScript conversion of the default model's weights
   * @throws IllegalArgumentException if {@code pt} does not exist, saying how to make it
   */
  public static synchronized ModelFolder withTorchScript(Path pt) {
    if (!Files.isRegularFile(pt)) {
      throw new ConfigurationException(
          "No TorchScript copy of "
              + ID
              + " at "
              + pt
              + ": make one with scripts/torchscript-default-model.sh (needs python3-torch,"
              + " python3-onnx)");
    }
    ModelFolder onnx = folder();
    Path target = onnx.path().resolveSibling(onnx.path().getFileName() + "-torchscript");
    try {
      for (String file : METADATA_FILES) {
        copyIfAbsent(onnx.path().resolve(file), target.resolve(file));
      }
      copyIfAbsent(onnx.path().resolve("tokenizer.json"), target.resolve("tokenizer.json"));
      Path link = target.resolve("model.pt");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, pt.toAbsolutePath());
      return ModelFolder.open(target);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot assemble the TorchScript default model", e);
    }
  }

  private static void copyIfAbsent(Path source, Path destination) throws IOException {
    if (!Files.exists(destination)) {
      Files.createDirectories(destination.getParent());
      Files.copy(source, destination);
    }
  }

  /** The folder under {@code cacheRoot}, written on first call. */
  public static synchronized ModelFolder folder(Path cacheRoot) {
    try {
      Path target = cacheRoot.resolve("sentence-transformers--all-MiniLM-L6-v2").resolve(version());
      if (!Files.exists(target.resolve(COMPLETE))) {
        materialize(target);
      }
      return ModelFolder.open(target);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the default model to the cache", e);
    }
  }

  private static void materialize(Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path staging = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      for (String file : METADATA_FILES) {
        copy(METADATA + file, staging.resolve(file));
      }
      copy(TOKENIZER, staging.resolve("tokenizer.json"));
      copy(ONNX, staging.resolve("onnx/model.onnx"));
      copy(ONNX_Q8, staging.resolve("onnx/model_quantized.onnx"));
      Files.createFile(staging.resolve(COMPLETE));
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another process finished first; its copy is identical.
        if (!Files.exists(target.resolve(COMPLETE))) {
          throw e;
        }
      }
    } finally {
      FileTrees.deleteRecursively(staging);
    }
  }

  /**
   * A key that changes whenever any shipped file changes: the small files' bytes and the weights'
   * size, so a new hubbatch never reuses an older copy.
   */
  private static String version() throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String file : METADATA_FILES) {
        digest.update(read(METADATA + file));
      }
      digest.update(read(TOKENIZER));
      for (String weights : List.of(ONNX, ONNX_Q8)) {
        URLConnection file = resource(weights).openConnection();
        digest.update(Long.toString(file.getContentLengthLong()).getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(String name) throws IOException {
    try (InputStream in = resource(name).openStream()) {
      return in.readAllBytes();
    }
  }

  private static void copy(String name, Path destination) throws IOException {
    Files.createDirectories(destination.getParent());
    try (InputStream in = resource(name).openStream()) {
      Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static URL resource(String name) {
    URL url = DefaultModel.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException(
          "The default model's file " + name + " is not on the classpath: the build is broken");
    }
    return url;
  }
}
