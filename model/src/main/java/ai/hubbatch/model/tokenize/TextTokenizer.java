package ai.hubbatch.model.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.hubbatch.model.engine.DjlRuntime;
import ai.hubbatch.model.source.ModelFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model's {@code tokenizer.json} through DJL's Hugging Face tokenizers, with padding off and
 * truncation at a fixed length, whatever the file says.
 *
 * <p>Some Hub files carry {@code padding: Fixed(128)} and {@code truncation: 128}; hubbatch pads
 * per batch itself (to the batch's longest sequence), so the file's settings are replaced.
 *
 * <p>Thread-safe: the native tokenizer is immutable once built.
 */
public final class TextTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.padId = padId;
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
        folder.file("tokenizer.json")
            .orElseThrow(() -> new IllegalArgumentException(
                "The model " + folder.displayName() + " has no tokenizer.json. Files found: "
                    + folder.listFiles()));
    String length = String.valueOf(maxLength);
    HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.newInstance(
            file,
            Map.of(
                "padding", "false",
                "truncation", "true",
                "maxLength", length,
                "modelMaxLength", length,
                "addSpecialTokens", "true"));
    return new TextTokenizer(tokenizer, maxLength, padId(folder));
  }

  /** Tokenizes one text, truncated to {@link #maxLength()}. */
  public TokenizedText encode(String text) {
    return new TokenizedText(tokenizer.encode(text));
  }

  /** Tokenizes a text pair (the second after a separator), truncated longest-first. */
  public TokenizedText encode(String text, String pair) {
    return new TokenizedText(tokenizer.encode(text, pair));
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
  }

  private static long padId(ModelFolder folder) {
    // RoBERTa-style models derive position ids from the padding id, so it must be the model's.
    if (folder.config().path("pad_token_id").isIntegralNumber()) {
      return folder.config().get("pad_token_id").asLong();
    }
    return folder.json("tokenizer.json").path("padding").path("pad_id").asLong(0);
  }
}
