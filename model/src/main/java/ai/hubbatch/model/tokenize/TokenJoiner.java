package ai.hubbatch.model.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins token strings back into text as the tokenizer's decoder does: transformers' {@code
 * convert_tokens_to_string}, which token classification uses to rebuild words from subwords (and
 * from the original text where a token was unknown, so ids cannot be used).
 *
 * <p>Knows the WordPiece (BERT), ByteLevel (RoBERTa, GPT-2) and Metaspace (SentencePiece) decoders;
 * any other decoder joins the tokens as they are.
 */
final class TokenJoiner {

  private static final Map<Integer, Integer> BYTE_OF_CHAR = byteLevelTable();

  private final String type;
  private final String prefix;
  private final boolean cleanup;
  private final String replacement;

  private TokenJoiner(String type, String prefix, boolean cleanup, String replacement) {
    this.type = type;
    this.prefix = prefix;
    this.cleanup = cleanup;
    this.replacement = replacement;
  }

  static TokenJoiner of(JsonNode decoder) {
    JsonNode chosen = decoder;
    if ("Sequence".equals(decoder.path("type").asText())) {
      for (JsonNode part : decoder.path("decoders")) {
        String type = part.path("type").asText();
        if (type.equals("WordPiece") || type.equals("ByteLevel") || type.equals("Metaspace")) {
          chosen = part;
        }
      }
    }
    return new TokenJoiner(
        chosen.path("type").asText(""),
        chosen.path("prefix").asText("##"),
        chosen.path("cleanup").asBoolean(true),
        chosen.path("replacement").asText("\u2581"));
  }

  String join(List<String> tokens) {
    switch (type) {
      case "WordPiece":
        {
          StringBuilder text = new StringBuilder();
          for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (i > 0) {
              if (token.startsWith(prefix)) {
                token = token.substring(prefix.length());
              } else {
                text.append(' ');
              }
            }
            text.append(token);
          }
          return cleanup ? CleanUp.apply(text.toString()) : text.toString();
        }
      case "ByteLevel":
        {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          for (String token : tokens) {
            token
                .codePoints()
                .forEach(
                    c -> {
                      Integer b = BYTE_OF_CHAR.get(c);
                      if (b != null) {
                        bytes.write(b);
                      } else {
                        bytes.writeBytes(
                            new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                      }
                    });
          }
          return bytes.toString(StandardCharsets.UTF_8);
        }
      case "Metaspace":
        {
          String text = String.join("", tokens).replace(replacement, " ");
          return text.startsWith(" ") ? text.substring(1) : text;
        }
      default:
        return String.join("", tokens);
    }
  }

  /** GPT-2's bytes_to_unicode table, inverted: the character of each byte, back to the byte. */
  private static Map<Integer, Integer> byteLevelTable() {
    Map<Integer, Integer> table = new HashMap<>();
    int extra = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      table.put(printable ? b : 256 + extra++, b);
    }
    return table;
  }
}
