package ai.hubbatch.model.tokenize;

/**
 * transformers' {@code clean_up_tokenization}: removes the spaces that decoding puts before
 * punctuation and English contractions ({@code "paris ."} becomes {@code "paris."}).
 */
public final class CleanUp {

  private CleanUp() {}

  public static String apply(String text) {
    return text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }
}
