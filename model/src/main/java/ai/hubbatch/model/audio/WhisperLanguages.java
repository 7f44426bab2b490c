package ai.hubbatch.model.audio;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whisper's language codes and names (transformers' {@code LANGUAGES} and {@code
 * TO_LANGUAGE_CODE}), from the resource {@code whisper-languages.tsv}.
 */
final class WhisperLanguages {

  private static final Map<String, String> NAMES = new LinkedHashMap<>();
  private static final Map<String, String> CODES = new HashMap<>();

  static {
    try (InputStream in = WhisperLanguages.class.getResourceAsStream("whisper-languages.tsv");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] fields = line.split("\t");
        NAMES.put(fields[0], fields[1]);
        for (int i = 1; i < fields.length; i++) {
          CODES.put(fields[i], fields[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private WhisperLanguages() {}

  /** The name of a language code ({@code en} is {@code english}). */
  static Optional<String> name(String code) {
    return Optional.ofNullable(NAMES.get(code));
  }

  /** The code of a language name or alias ({@code castilian} is {@code es}). */
  static Optional<String> codeOfName(String name) {
    return Optional.ofNullable(CODES.get(name));
  }

  static boolean isCode(String code) {
    return NAMES.containsKey(code);
  }

  static String codes() {
    return NAMES.keySet().toString();
  }

  static String names() {
    return CODES.keySet().toString();
  }
}
