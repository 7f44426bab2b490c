package ai.hubbatch.model.generate;

/** Why a sequence stopped growing. */
public enum FinishReason {
  /** It produced one of the end-of-sequence ids (kept as its last token). */
  EOS,
  /** It reached its maximum length (max_new_tokens or max_length). */
  LENGTH,
  /** Its text came to contain one of the stop strings. */
  STOP_STRING
}
