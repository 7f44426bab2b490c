package ai.hubbatch.model.engine;

import java.util.Locale;

/** The inputs Hub encoder exports take, by their export names. */
enum EncoderInput {
  INPUT_IDS("input_ids"),
  ATTENTION_MASK("attention_mask"),
  TOKEN_TYPE_IDS("token_type_ids");

  private final String onnxName;

  EncoderInput(String onnxName) {
    this.onnxName = onnxName;
  }

  String onnxName() {
    return onnxName;
  }

  long[] values(TokenBatch batch) {
    switch (this) {
      case INPUT_IDS:
        return batch.inputIds();
      case ATTENTION_MASK:
        return batch.attentionMask();
      default:
        return batch.tokenTypeIds();
    }
  }

  static EncoderInput forName(String name) {
    for (EncoderInput input : values()) {
      if (input.onnxName.equals(name.toLowerCase(Locale.ROOT))) {
        return input;
      }
    }
    throw new IllegalArgumentException(
        "The model takes an input named '"
            + name
            + "'; hubbatch feeds input_ids, "
            + "attention_mask and token_type_ids");
  }
}
