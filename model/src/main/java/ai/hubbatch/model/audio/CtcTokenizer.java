package ai.hubbatch.model.audio;

import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.tokenize.CleanUp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * transformers' {@code Wav2Vec2CTCTokenizer.decode} for the speech pipeline (special tokens kept,
 * as the pipeline asks): consecutive repeats merged, then the blank ({@code pad_token}) dropped,
 * the word delimiter turned into {@code replace_word_delimiter_char}, the ends stripped,
 * lower-cased when {@code do_lower_case}, spaces before punctuation cleaned up when {@code
 * clean_up_tokenization_spaces}; with offsets, each character's and word's first and last logits
 * frame. Reads {@code vocab.json} and {@code tokenizer_config.json}, or, where only the exports'
 * {@code tokenizer.json} is there, its vocabulary and CTC decoder. Immutable.
 */
public final class CtcTokenizer {

  private final String[] tokens;
  private final String pad;
  private final String delimiter;
  private final String replacement;
  private final String unknown;
  private final boolean lowerCase;
  private final boolean cleanUp;

  private CtcTokenizer(
      String[] tokens,
      String pad,
      String delimiter,
      String replacement,
      String unknown,
      boolean lowerCase,
      boolean cleanUp) {
    this.tokens = tokens;
    this.pad = pad;
    this.delimiter = delimiter;
    this.replacement = replacement;
    this.unknown = unknown;
    this.lowerCase = lowerCase;
    this.cleanUp = cleanUp;
  }

  /**
   * The tokenizer of a CTC model folder.
   *
   * @throws IllegalArgumentException when the folder has neither vocab.json nor a tokenizer.json
   *     with a vocabulary
   */
  public static CtcTokenizer load(ModelFolder folder) {
    JsonNode config =
        folder.file("tokenizer_config.json").isPresent()
            ? folder.json("tokenizer_config.json")
            : MissingNode.getInstance();
    JsonNode vocab;
    JsonNode decoder = MissingNode.getInstance();
    if (folder.file("vocab.json").isPresent()) {
      vocab = folder.json("vocab.json");
    } else if (folder.file("tokenizer.json").isPresent()) {
      JsonNode tokenizer = folder.json("tokenizer.json");
      vocab = tokenizer.path("model").path("vocab");
      decoder = tokenizer.path("decoder");
    } else {
      throw new IllegalArgumentException(
          "The CTC model "
              + folder.displayName()
              + " has no vocab.json or tokenizer.json. Files found: "
              + folder.listFiles());
    }
    if (!vocab.isObject() || vocab.isEmpty()) {
      throw new IllegalArgumentException(
          "The CTC model " + folder.displayName() + " has an empty or unreadable vocabulary");
    }
    int size = 0;
    for (Iterator<JsonNode> ids = vocab.elements(); ids.hasNext(); ) {
      size = Math.max(size, ids.next().asInt() + 1);
    }
    String[] tokens = new String[size];
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      tokens[entry.getValue().asInt()] = entry.getKey();
    }
    return new CtcTokenizer(
        tokens,
        text(config, "pad_token", decoder.path("pad_token").asText("<pad>")),
        text(config, "word_delimiter_token", decoder.path("word_delimiter_token").asText("|")),
        config.path("replace_word_delimiter_char").asText(" "),
        text(config, "unk_token", "<unk>"),
        config.path("do_lower_case").asBoolean(false),
        config
            .path("clean_up_tokenization_spaces")
            .asBoolean(decoder.path("cleanup").asBoolean(true)));
  }

  /** A special-token setting, which tokenizer_config.json may give as a string or an object. */
  private static String text(JsonNode config, String key, String fallback) {
    JsonNode value = config.path(key);
    if (value.isObject()) {
      return value.path("content").asText(fallback);
    }
    return value.isTextual() ? value.asText() : fallback;
  }

  /** The vocabulary size: ids run from 0 to this minus one. */
  public int size() {
    return tokens.length;
  }

  /**
   * Decodes greedy CTC ids.
   *
   * @param offsets whether to compute character and word offsets (in logits frames)
   */
  public Decoded decode(int[] ids, boolean offsets) {
    List<String> chars = new ArrayList<>();
    List<Integer> repetitions = new ArrayList<>();
    for (int id : ids) {
      String token = id >= 0 && id < tokens.length && tokens[id] != null ? tokens[id] : unknown;
      if (!chars.isEmpty() && chars.get(chars.size() - 1).equals(token)) {
        repetitions.set(repetitions.size() - 1, repetitions.get(repetitions.size() - 1) + 1);
      } else {
        chars.add(token);
        repetitions.add(1);
      }
    }
    StringBuilder joined = new StringBuilder();
    List<Offset> charOffsets = new ArrayList<>();
    int end = 0;
    for (int i = 0; i < chars.size(); i++) {
      int start = end;
      end += repetitions.get(i);
      String token = chars.get(i);
      if (token.equals(pad)) {
        continue;
      }
      String shown = token.equals(delimiter) ? replacement : token;
      joined.append(shown);
      charOffsets.add(new Offset(shown, start, end));
    }
    String text = joined.toString().strip();
    if (lowerCase) {
      text = text.toLowerCase(Locale.ROOT);
    }
    if (cleanUp) {
      text = CleanUp.apply(text);
    }
    if (!offsets) {
      return new Decoded(text, List.of(), List.of());
    }
    return new Decoded(text, charOffsets, words(charOffsets));
  }

  /** transformers' {@code _get_word_offsets}: runs of non-delimiter characters. */
  private List<Offset> words(List<Offset> chars) {
    List<Offset> words = new ArrayList<>();
    boolean inWord = false;
    StringBuilder word = new StringBuilder();
    int start = 0;
    int end = 0;
    for (Offset offset : chars) {
      boolean space = offset.text().equals(replacement);
      if (space == !inWord) {
        end = offset.end();
        word.append(offset.text());
      } else if (space) {
        words.add(new Offset(word.toString(), start, end));
      } else {
        start = offset.start();
        end = offset.end();
        word.setLength(0);
        word.append(offset.text());
      }
      inWord = !space;
    }
    if (inWord) {
      words.add(new Offset(word.toString(), start, end));
    }
    return words;
  }

  /** A character or word and the logits frames it spans, {@code [start, end)}. */
  public record Offset(String text, int start, int end) {}

  /** Decoded text and, when asked, its character and word offsets. */
  public record Decoded(String text, List<Offset> chars, List<Offset> words) {}
}
