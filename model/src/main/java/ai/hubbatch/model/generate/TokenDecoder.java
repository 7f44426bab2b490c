package ai.hubbatch.model.generate;

/**
 * Turns token ids into text, as the model's tokenizer decodes them (special tokens skipped): what
 * stop strings are matched against.
 */
@FunctionalInterface
public interface TokenDecoder {

  String decode(int[] ids);
}
