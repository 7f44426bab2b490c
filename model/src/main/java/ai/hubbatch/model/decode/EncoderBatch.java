package ai.hubbatch.model.decode;

import ai.hubbatch.model.engine.DataType;
import ai.hubbatch.model.engine.HostTensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder inputs of prompts prefilled together, as one batch: token inputs right-padded to the
 * longest ({@code input_ids} with the padding id, masks with 0), other inputs (speech features)
 * stacked as they are, which {@link GenerationStage#batchKey} keeps to one shape per batch.
 */
final class EncoderBatch {

  private final Map<String, HostTensor> feed;
  private final long[][] mask;
  private final long realTokens;
  private final long paddedTokens;

  private EncoderBatch(
      Map<String, HostTensor> feed, long[][] mask, long realTokens, long paddedTokens) {
    this.feed = feed;
    this.mask = mask;
    this.realTokens = realTokens;
    this.paddedTokens = paddedTokens;
  }

  static EncoderBatch of(List<GenerationInput> inputs, GenerationStage stage) {
    int n = inputs.size();
    Map<String, HostTensor> feed = new LinkedHashMap<>();
    for (String name : inputs.get(0).encoderInputs().keySet()) {
      HostTensor first = inputs.get(0).encoderInputs().get(name);
      if (first.type() == DataType.INT64) {
        long padding = name.equals(GenerationModel.INPUT_IDS) ? stage.padId() : 0;
        feed.put(name, padRight(inputs, name, padding));
      } else {
        feed.put(name, stack(inputs, name));
      }
    }
    long[][] mask = null;
    long real = 0;
    long padded = 0;
    HostTensor attention = feed.get(GenerationModel.ATTENTION_MASK);
    if (attention != null) {
      int width = (int) attention.shape()[1];
      LongBuffer values = (LongBuffer) attention.data();
      mask = new long[n][width];
      for (int r = 0; r < n; r++) {
        values.get(mask[r]);
        real += Arrays.stream(mask[r]).sum();
      }
      padded = (long) n * width;
    }
    return new EncoderBatch(feed, mask, real, padded);
  }

  private static HostTensor padRight(List<GenerationInput> inputs, String name, long padding) {
    int width = 0;
    for (GenerationInput input : inputs) {
      width = Math.max(width, (int) input.encoderInputs().get(name).shape()[1]);
    }
    long[] values = new long[inputs.size() * width];
    Arrays.fill(values, padding);
    for (int r = 0; r < inputs.size(); r++) {
      LongBuffer row = (LongBuffer) inputs.get(r).encoderInputs().get(name).data();
      row.get(values, r * width, row.remaining());
    }
    return HostTensor.ofLongs(values, inputs.size(), width);
  }

  private static HostTensor stack(List<GenerationInput> inputs, String name) {
    long[] shape = inputs.get(0).encoderInputs().get(name).shape();
    int size = 1;
    for (int d = 1; d < shape.length; d++) {
      size *= (int) shape[d];
    }
    float[] values = new float[inputs.size() * size];
    for (int r = 0; r < inputs.size(); r++) {
      HostTensor tensor = inputs.get(r).encoderInputs().get(name);
      if (tensor.type() != DataType.FLOAT32) {
        throw new IllegalArgumentException("Encoder input " + name + " is " + tensor.type());
      }
      ((FloatBuffer) tensor.data()).get(values, r * size, size);
    }
    shape = shape.clone();
    shape[0] = inputs.size();
    return HostTensor.ofFloats(values, shape);
  }

  /** What the encoder is fed. */
  Map<String, HostTensor> feed() {
    return feed;
  }

  /**
   * The encoder attention mask per row for the decoder's cross-attention: the encoder's own mask,
   * or all ones over the encoder's {@code length} output positions when it takes none.
   */
  long[][] mask(int length) {
    if (mask != null && mask[0].length == length) {
      return mask;
    }
    long[][] ones = new long[rows()][length];
    for (long[] row : ones) {
      Arrays.fill(row, 1);
    }
    return ones;
  }

  private int rows() {
    return (int) feed.values().iterator().next().shape()[0];
  }

  long realTokens() {
    return realTokens;
  }

  long paddedTokens() {
    return paddedTokens;
  }
}
