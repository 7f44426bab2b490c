package ai.hubbatch.model.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.DjlRuntime;
import ai.hubbatch.model.source.ModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model's {@code tokenizer.json} through DJL's Hugging Face tokenizers, with padding off and
 * truncation at a fixed length, whatever the file says.
 *
 * <p>Some Hub files carry {@code padding: Fixed(128)} and {@code truncation: 128}; hubbatch pads
 * per batch itself (to the batch's longest sequence), so the file's settings are replaced.
 *
 * <p>Tasks that truncate text pairs otherwise (zero-shot truncates the premise only, question
 * answering cuts the context into overlapping windows) get a tokenizer of their own per setting,
 * made on first use and kept: a DJL tokenizer's truncation is fixed when it is built.
 *
 * <p>Thread-safe: the native tokenizers are immutable once built.
 */
public final class TextTokenizer implements AutoCloseable {

  /** How a pair is cut to fit: as transformers' {@code TruncationStrategy}. */
  public enum Truncation {
    LONGEST_FIRST,
    ONLY_FIRST,
    ONLY_SECOND
  }

  private record Variant(Truncation truncation, int maxLength, int stride) {}

  private final Path file;
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;
  private final Vocabulary vocabulary;
  private final TokenJoiner joiner;
  private final boolean cleanUpSpaces;
  private final boolean wordAware;
  private final Map<Variant, HuggingFaceTokenizer> variants = new ConcurrentHashMap<>();

  private TextTokenizer(Path file, int maxLength, ModelFolder folder) throws IOException {
    this.file = file;
    this.maxLength = maxLength;
    this.tokenizer = build(file, new Variant(Truncation.LONGEST_FIRST, maxLength, 0));
    this.padId = padId(folder);
    this.vocabulary = Vocabulary.of(folder);
    this.joiner = TokenJoiner.of(folder.json("tokenizer.json").path("decoder"));
    this.cleanUpSpaces =
        folder.json("tokenizer_config.json").path("clean_up_tokenization_spaces").asBoolean(false);
    this.wordAware =
        !folder
            .json("tokenizer.json")
            .path("model")
            .path("continuing_subword_prefix")
            .asText("")
            .isEmpty();
  }

  /**
   * Loads the folder's {@code tokenizer.json}.
   *
   * @param maxLength tokens per sequence, special tokens included; longer inputs are truncated
   * @throws IllegalArgumentException if the folder has no tokenizer.json
   */
  public static TextTokenizer load(ModelFolder folder, int maxLength) throws IOException {
    DjlRuntime.configure();
    Path file =
        folder
            .file("tokenizer.json")
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "The model "
                            + folder.displayName()
                            + " has no tokenizer.json. Files found: "
                            + folder.listFiles()));
    return new TextTokenizer(file, maxLength, folder);
  }

  private static HuggingFaceTokenizer build(Path file, Variant variant) throws IOException {
    String length = String.valueOf(variant.maxLength());
    return HuggingFaceTokenizer.newInstance(
        file,
        Map.of(
            "padding",
            "false",
            "truncation",
            variant.truncation().name().toLowerCase(Locale.ROOT),
            "maxLength",
            length,
            "modelMaxLength",
            length,
            "stride",
            String.valueOf(variant.stride()),
            "addSpecialTokens",
            "true"));
  }

  private HuggingFaceTokenizer variant(Truncation truncation, int length, int stride) {
    Variant key = new Variant(truncation, Math.min(length, maxLength), stride);
    if (key.equals(new Variant(Truncation.LONGEST_FIRST, maxLength, 0))) {
      return tokenizer;
    }
    return variants.computeIfAbsent(
        key,
        k -> {
          try {
            return build(file, k);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Tokenizes one text, truncated to {@link #maxLength()}. */
  public TokenizedText encode(String text) {
    return new TokenizedText(tokenizer.encode(text));
  }

  /** Tokenizes a text pair (the second after a separator), truncated longest-first. */
  public TokenizedText encode(String text, String pair) {
    return new TokenizedText(tokenizer.encode(text, pair));
  }

  /**
   * Tokenizes a text pair cut to {@link #maxLength()} by the given strategy.
   *
   * @throws IllegalArgumentException when the strategy cannot make the pair fit (the other text
   *     alone is too long)
   */
  public TokenizedText encode(String text, String pair, Truncation truncation) {
    try {
      return new TokenizedText(variant(truncation, maxLength, 0).encode(text, pair));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Cuts the pair's second text into overlapping windows, each with the whole first text: what
   * transformers' question answering gets from {@code truncation="only_second"}, {@code
   * return_overflowing_tokens=True}.
   *
   * @param length tokens per window, at most {@link #maxLength()}
   * @param stride tokens each window repeats from the one before
   * @throws IllegalArgumentException when the first text leaves no room for the second
   */
  public List<TokenizedText> windows(String text, String pair, int length, int stride) {
    Encoding first;
    try {
      first = variant(Truncation.ONLY_SECOND, length, stride).encode(text, pair, true, true);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    List<TokenizedText> windows = new ArrayList<>();
    windows.add(new TokenizedText(first));
    for (Encoding overflow : first.getOverflowing()) {
      windows.add(new TokenizedText(overflow));
    }
    return windows;
  }

  /** The ids of a text without special tokens and without truncation limits. */
  public long[] idsWithoutSpecialTokens(String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  /**
   * transformers' {@code tokenizer.decode}: ids to text, then the clean-up of spaces before
   * punctuation when {@code tokenizer_config.json} asks for it.
   */
  public String decode(long[] ids, boolean skipSpecialTokens) {
    String text = tokenizer.decode(ids, skipSpecialTokens);
    return cleanUpSpaces ? CleanUp.apply(text) : text;
  }

  /** transformers' {@code convert_tokens_to_string}: tokens back to text by the decoder. */
  public String join(List<String> tokens) {
    return joiner.join(tokens);
  }

  /**
   * Whether the tokenizer marks word continuations (WordPiece's {@code ##}), so subwords can be
   * told from words without guessing from spaces.
   */
  public boolean wordAware() {
    return wordAware;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public int maxLength() {
    return maxLength;
  }

  /** The id that pads batches, from config.json's pad_token_id or tokenizer.json. */
  public long padId() {
    return padId;
  }

  /** The underlying DJL tokenizer, for tasks that decode ids. */
  public HuggingFaceTokenizer djl() {
    return tokenizer;
  }

  @Override
  public void close() {
    tokenizer.close();
    variants.values().forEach(HuggingFaceTokenizer::close);
  }

  private static long padId(ModelFolder folder) {
    // RoBERTa-style models derive position ids from the padding id, so it must be the model's.
    if (folder.config().path("pad_token_id").isIntegralNumber()) {
      return folder.config().get("pad_token_id").asLong();
    }
    return folder.json("tokenizer.json").path("padding").path("pad_id").asLong(0);
  }
}
