package ai.hubbatch.model.decode;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.DataType;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.Networks;
import ai.hubbatch.model.engine.TensorSpec;
import ai.hubbatch.model.engine.Weights;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generation model's ONNX graphs and the layout they follow, as the Hub's exports (optimum,
 * transformers.js) lay them out:
 *
 * <ul>
 *   <li><b>decoder-only</b>: {@code onnx/model.onnx} or {@code onnx/decoder_model_merged.onnx}
 *       (with or without a boolean {@code use_cache_branch}) taking {@code input_ids,
 *       attention_mask} , {@code position_ids} when it has them, and {@code
 *       past_key_values.{i}.key|value} (empty on the first step) to {@code logits} and {@code
 *       present.{i}.key|value}; or the older pair {@code decoder_model.onnx} (no past) and {@code
 *       decoder_with_past_model.onnx};
 *   <li><b>encoder-decoder</b>: {@code encoder_model.onnx} ({@code input_ids, attention_mask}, or
 *       {@code input_features} for speech) to {@code last_hidden_state}, then {@code
 *       decoder_model_merged.onnx} or the pair {@code decoder_model.onnx} and {@code
 *       decoder_with_past_model.onnx} taking {@code input_ids, encoder_attention_mask,
 *       encoder_hidden_states} and {@code past_key_values.{i}.decoder|encoder.key|value}; the
 *       encoder entries are what the first step computes, kept for every later step.
 * </ul>
 *
 * <p>The empty first-step past takes its heads and head size from the graph's declared dimensions,
 * or from config.json where the graph leaves them open. Immutable and thread-safe; closes its
 * networks.
 */
public final class GenerationModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationModel.class);

  static final String INPUT_IDS = "input_ids";
  static final String ATTENTION_MASK = "attention_mask";
  static final String POSITION_IDS = "position_ids";
  static final String USE_CACHE_BRANCH = "use_cache_branch";
  static final String ENCODER_ATTENTION_MASK = "encoder_attention_mask";
  static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
  static final String LOGITS = "logits";
  static final String LAST_HIDDEN_STATE = "last_hidden_state";
  private static final String PAST = "past_key_values.";
  private static final String REWRITTEN = "hubbatch-last-position-logits";
  private static final String PRESENT = "present.";

  /** What each layout reads, for the error a model of no known layout gets. */
  static final String LAYOUTS =
      "decoder-only onnx/model.onnx or onnx/decoder_model_merged.onnx (or the pair"
          + " decoder_model.onnx and decoder_with_past_model.onnx) taking input_ids,"
          + " attention_mask, optionally position_ids and use_cache_branch, and"
          + " past_key_values.{i}.key|value, giving logits and present.{i}.key|value;"
          + " encoder-decoder onnx/encoder_model.onnx giving last_hidden_state, with"
          + " onnx/decoder_model_merged.onnx or the pair decoder_model.onnx and"
          + " decoder_with_past_model.onnx taking input_ids, encoder_attention_mask,"
          + " encoder_hidden_states, optionally use_cache_branch, and"
          + " past_key_values.{i}.decoder|encoder.key|value, giving logits and present.*";

  private final ModelFolder folder;
  private final Network encoder;
  private final Network first;
  private final Network later;
  private final List<CacheEntry> cache;
  private final List<Network> owned;
  private final boolean lastPositionLogits;

  private GenerationModel(
      ModelFolder folder,
      Network encoder,
      Network first,
      Network later,
      List<CacheEntry> cache,
      List<Network> owned,
      boolean lastPositionLogits) {
    this.folder = folder;
    this.encoder = encoder;
    this.first = first;
    this.later = later;
    this.cache = List.copyOf(cache);
    this.owned = List.copyOf(owned);
    this.lastPositionLogits = lastPositionLogits;
  }

  /**
   * Loads the folder's generation graphs on ONNX Runtime, in the dtype the weights were chosen in.
   *
   * @param weights the chosen weights: their ONNX graphs, {@code model_quantized.onnx} or {@code
   *     decoder_model_merged_fp16.onnx} as much as {@code model.onnx}
   * @throws IllegalArgumentException when the folder has no ONNX generation graphs, or graphs that
   *     fit no layout (naming the inputs found and the layouts read)
   * @throws IOException if a graph cannot be read
   */
  public static GenerationModel load(ModelFolder folder, Weights weights, EngineSettings settings)
      throws IOException {
    if (weights.engine() != EngineKind.ONNX_RUNTIME) {
      throw new ConfigurationException(
          "hubbatch generates with ONNX models; "
              + folder.displayName()
              + " was asked to run on "
              + weights.engine().djlName());
    }
    Map<String, Path> files = graphFiles(folder, weights);
    List<Network> loaded = new ArrayList<>();
    Set<Network> rewritten = new java.util.HashSet<>();
    try {
      Network encoder = loadIf(files.get("encoder_model"), settings, loaded, null);
      Network merged = loadIf(files.get("model"), settings, loaded, rewritten);
      if (merged == null) {
        merged = loadIf(files.get("decoder_model_merged"), settings, loaded, rewritten);
      }
      Network first = merged;
      Network later = merged;
      if (merged == null) {
        first = loadIf(files.get("decoder_model"), settings, loaded, rewritten);
        later = loadIf(files.get("decoder_with_past_model"), settings, loaded, rewritten);
      }
      if (first == null || later == null) {
        throw new ConfigurationException(
            "The model "
                + folder.displayName()
                + " has no ONNX generation graphs; files found: "
                + folder.listFiles()
                + ". hubbatch reads "
                + LAYOUTS);
      }
      return of(
          folder,
          encoder,
          first,
          later,
          loaded,
          rewritten.contains(first) && rewritten.contains(later));
    } catch (IOException | RuntimeException e) {
      loaded.forEach(Network::close);
      throw e;
    }
  }

  /**
   * The chosen weights' ONNX graphs by their fp32 base name ({@code model}, {@code encoder_model},
   * ...), so one layout rule serves every dtype: {@code decoder_model_merged_q4.onnx} is the {@code
   * decoder_model_merged} graph.
   */
  private static Map<String, Path> graphFiles(ModelFolder folder, Weights weights) {
    Map<String, Path> files = new TreeMap<>();
    for (String file : weights.files()) {
      if (file.endsWith(".onnx")) {
        String fp32 = Dtype.base(file);
        String base = fp32.substring(fp32.lastIndexOf('/') + 1, fp32.length() - ".onnx".length());
        files.put(base, folder.path().resolve(file));
      }
    }
    return files;
  }

  /**
   * Loads a graph if there is one; a decoder (when {@code rewritten} is given) with its logits cut
   * to the last position where its graph allows, noted in {@code rewritten}.
   */
  private static Network loadIf(
      Path file, EngineSettings settings, List<Network> loaded, Set<Network> rewritten)
      throws IOException {
    if (file == null) {
      return null;
    }
    Network network = rewritten == null ? Networks.onnx(file, settings) : null;
    if (network == null) {
      network = loadDecoder(file, settings);
      if (network != null) {
        rewritten.add(network);
      } else {
        network = Networks.onnx(file, settings);
      }
    }
    loaded.add(network);
    return network;
  }

  /**
   * Loads a decoder with its logits cut to the last position ({@link LastPositionLogits}), or
   * returns null when its graph does not allow it.
   */
  private static Network loadDecoder(Path file, EngineSettings settings) throws IOException {
    Path folder = Files.createTempDirectory(REWRITTEN);
    Path rewritten = folder.resolve(file.getFileName().toString());
    try {
      if (LastPositionLogits.rewrite(file, rewritten)) {
        Network network = Networks.onnx(rewritten, settings);
        LOG.info("{}: logits computed for the last position only", file.getFileName());
        return network;
      }
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn(
          "{}: logits stay computed for every position ({})", file.getFileName(), e.getMessage());
    } finally {
      Files.deleteIfExists(rewritten);
      Files.deleteIfExists(folder);
    }
    return null;
  }

  /**
   * The model over networks already loaded; it closes them.
   *
   * @param encoder the encoder, or null for a decoder-only model
   * @param first the graph of a sequence's first step
   * @param later the graph of the steps after it (the same as {@code first} for a merged graph)
   * @param lastPositionLogits whether both give the last position's logits only
   * @throws IllegalArgumentException when the graphs fit no layout
   */
  static GenerationModel of(
      ModelFolder folder,
      Network encoder,
      Network first,
      Network later,
      List<Network> owned,
      boolean lastPositionLogits) {
    List<String> problems = new ArrayList<>();
    if (encoder != null
        && encoder.outputs().stream().noneMatch(o -> o.name().equals(LAST_HIDDEN_STATE))) {
      problems.add(name(encoder) + " gives no last_hidden_state");
    }
    for (Network decoder : first == later ? List.of(first) : List.of(first, later)) {
      if (!decoder.takes(INPUT_IDS)) {
        problems.add(name(decoder) + " takes no input_ids");
      }
      if (decoder.outputs().stream().noneMatch(o -> o.name().equals(LOGITS))) {
        problems.add(name(decoder) + " gives no logits");
      }
      Set<String> fed = fed(encoder != null, decoder);
      List<String> unknown =
          decoder.inputs().stream()
              .map(TensorSpec::name)
              .filter(n -> !fed.contains(n) && !n.startsWith(PAST))
              .toList();
      if (!unknown.isEmpty()) {
        problems.add(name(decoder) + " takes inputs no layout feeds: " + unknown);
      }
    }
    if (encoder == null && !later.takes(ATTENTION_MASK)) {
      problems.add(name(later) + " takes no attention_mask");
    }
    if (encoder != null && !first.takes(ENCODER_HIDDEN_STATES)) {
      problems.add(name(first) + " takes no encoder_hidden_states");
    }
    List<CacheEntry> cache = problems.isEmpty() ? cache(folder, later, problems) : List.of();
    if (cache.isEmpty() && problems.isEmpty()) {
      problems.add(name(later) + " takes no past_key_values, so it cannot keep a cache");
    }
    if (encoder != null && problems.isEmpty() && cache.stream().noneMatch(CacheEntry::cross)) {
      problems.add(name(later) + " takes no past_key_values.{i}.encoder.* cross-attention cache");
    }
    if (!problems.isEmpty()) {
      StringBuilder found = new StringBuilder();
      for (Network network : owned) {
        found
            .append(found.length() == 0 ? "" : "; ")
            .append(name(network))
            .append(" takes ")
            .append(network.inputs().stream().map(TensorSpec::name).toList());
      }
      throw new ConfigurationException(
          "The ONNX graphs of "
              + folder.displayName()
              + " fit no generation layout hubbatch reads ("
              + String.join("; ", problems)
              + "). Found: "
              + found
              + ". hubbatch reads "
              + LAYOUTS);
    }
    return new GenerationModel(folder, encoder, first, later, cache, owned, lastPositionLogits);
  }

  private static Set<String> fed(boolean encoderDecoder, Network decoder) {
    if (encoderDecoder) {
      return Set.of(INPUT_IDS, ENCODER_ATTENTION_MASK, ENCODER_HIDDEN_STATES, USE_CACHE_BRANCH);
    }
    return Set.of(INPUT_IDS, ATTENTION_MASK, POSITION_IDS, USE_CACHE_BRANCH);
  }

  private static String name(Network network) {
    return "onnx/" + network.file().getFileName();
  }

  /** The cache entries of the later-step graph: each past input with its present output. */
  private static List<CacheEntry> cache(ModelFolder folder, Network later, List<String> problems) {
    List<String> outputs = later.outputs().stream().map(TensorSpec::name).toList();
    List<CacheEntry> entries = new ArrayList<>();
    for (TensorSpec input : later.inputs()) {
      if (!input.name().startsWith(PAST)) {
        continue;
      }
      String output = PRESENT + input.name().substring(PAST.length());
      boolean cross = input.name().contains(".encoder.");
      if (!cross && !outputs.contains(output)) {
        problems.add(name(later) + " takes " + input.name() + " but gives no " + output);
        continue;
      }
      if (input.type() != DataType.FLOAT32 && input.type() != DataType.FLOAT16) {
        problems.add(name(later) + " takes " + input.name() + " as " + input.type());
        continue;
      }
      long heads = input.fixedDimension(1).orElseGet(() -> heads(folder.config(), cross));
      long headDim = input.fixedDimension(3).orElseGet(() -> headDim(folder.config()));
      entries.add(new CacheEntry(input.name(), output, cross, heads, headDim, input.type()));
    }
    return entries;
  }

  /** Key/value heads from config.json, as transformers.js reads them per model type. */
  static long heads(JsonNode config, boolean cross) {
    List<String> keys =
        cross
            ? List.of("decoder_attention_heads", "num_heads", "num_attention_heads", "n_head")
            : List.of(
                "num_key_value_heads",
                "decoder_attention_heads",
                "num_heads",
                "num_attention_heads",
                "n_head");
    return first(config, keys)
        .orElseThrow(() -> new ConfigurationException("config.json names no attention heads"));
  }

  /** The size of a head from config.json: head_dim, d_kv, or the width over the heads. */
  static long headDim(JsonNode config) {
    Optional<Long> direct = first(config, List.of("head_dim", "d_kv"));
    if (direct.isPresent()) {
      return direct.get();
    }
    long width =
        first(config, List.of("d_model", "hidden_size", "n_embd"))
            .orElseThrow(() -> new ConfigurationException("config.json names no model width"));
    long heads =
        first(
                config,
                List.of("decoder_attention_heads", "num_heads", "num_attention_heads", "n_head"))
            .orElseThrow(() -> new ConfigurationException("config.json names no attention heads"));
    return width / heads;
  }

  private static Optional<Long> first(JsonNode config, List<String> keys) {
    for (String key : keys) {
      JsonNode value = config.path(key);
      if (value.canConvertToLong() && value.asLong() > 0) {
        return Optional.of(value.asLong());
      }
    }
    return Optional.empty();
  }

  public ModelFolder folder() {
    return folder;
  }

  /** Whether the model has an encoder (BART, T5, Marian, Whisper) or is a decoder only. */
  public boolean encoderDecoder() {
    return encoder != null;
  }

  /** The encoder, if any. */
  public Optional<Network> encoder() {
    return Optional.ofNullable(encoder);
  }

  Network first() {
    return first;
  }

  Network later() {
    return later;
  }

  /**
   * Whether rows of different lengths can share a step: a decoder-only graph that takes both an
   * attention mask over the past and position ids, so a left-padded row computes what it computes
   * alone. Encoder-decoder graphs take no decoder mask and derive positions from the past's length,
   * and so do decoders without {@code position_ids}: their rows share a step only at one length.
   */
  public boolean ragged() {
    return encoder == null && later.takes(POSITION_IDS) && first.takes(POSITION_IDS);
  }

  List<CacheEntry> cache() {
    return cache;
  }

  /** The cache's element type. */
  DataType cacheType() {
    return cache.get(0).type();
  }

  /**
   * Whether the decoders give logits for the last position only (see {@link LastPositionLogits}),
   * so a prefill's logits are one row per prompt.
   */
  boolean lastPositionLogits() {
    return lastPositionLogits;
  }

  /** Cache bytes one position of one row holds, over every layer, cross-attention included. */
  public long bytesPerPosition() {
    return cache.stream().mapToLong(CacheEntry::bytesPerPosition).sum();
  }

  /** An empty past for {@code rows} rows, for every past input the first-step graph takes. */
  Map<String, HostTensor> emptyPast(int rows) {
    Map<String, HostTensor> past = new java.util.HashMap<>();
    for (CacheEntry entry : cache) {
      if (first.takes(entry.input())) {
        past.put(
            entry.input(), HostTensor.empty(entry.type(), rows, entry.heads(), 0, entry.headDim()));
      }
    }
    return past;
  }

  /** The files, for logs. */
  public String describe() {
    List<Network> all = new ArrayList<>();
    if (encoder != null) {
      all.add(encoder);
    }
    all.add(first);
    if (later != first) {
      all.add(later);
    }
    return all.stream().map(GenerationModel::name).collect(Collectors.joining(" + "));
  }

  @Override
  public void close() {
    owned.forEach(Network::close);
  }
}
