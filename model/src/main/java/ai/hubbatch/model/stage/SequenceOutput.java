package ai.hubbatch.model.stage;

import ai.hubbatch.model.engine.Tensor;
import java.util.List;
import java.util.OptionalInt;

/**
 * The model outputs for one sequence of a batch: its row of every output tensor, with the batch's
 * padding dropped from per-token outputs.
 */
public final class SequenceOutput {

  private final List<Tensor> outputs;
  private final int row;
  private final int length;

  /**
   * @param outputs the batch's outputs, batch first
   * @param row this sequence's index in the batch
   * @param length this sequence's real (unpadded) token count
   */
  public SequenceOutput(List<Tensor> outputs, int row, int length) {
    this.outputs = outputs;
    this.row = row;
    this.length = length;
  }

  /** Real tokens in this sequence. */
  public int length() {
    return length;
  }

  /**
   * The index of the output with this name, else {@code fallback}: TorchScript outputs have no
   * names, ONNX outputs do.
   */
  public int indexOf(String name, int fallback) {
    OptionalInt found = find(name);
    if (found.isPresent()) {
      return found.getAsInt();
    }
    if (fallback >= outputs.size()) {
      throw new IllegalStateException("The model has no output '" + name + "'; it has " + outputs);
    }
    return fallback;
  }

  /** The index of the output with this name, if the model names one so. */
  public OptionalInt find(String name) {
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).name().equals(name)) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  /** The last dimension of an output: hidden size, label count, vocabulary size. */
  public int width(int output) {
    Tensor tensor = outputs.get(output);
    return tensor.dim(tensor.rank() - 1);
  }

  /**
   * A per-token output ({@code [batch, length, width]}) for this sequence's real tokens: {@code
   * length() * width} values, row-major.
   */
  public float[] tokens(int output) {
    Tensor tensor = outputs.get(output);
    if (tensor.rank() != 3) {
      throw new IllegalStateException("Expected a [batch, tokens, width] output, got " + tensor);
    }
    int width = tensor.dim(2);
    int start = row * tensor.rowSize();
    float[] values = new float[length * width];
    System.arraycopy(tensor.data(), start, values, 0, values.length);
    return values;
  }

  /**
   * A per-token score ({@code [batch, length]}, as question answering's {@code start_logits}) for
   * this sequence's real tokens.
   */
  public float[] scores(int output) {
    Tensor tensor = outputs.get(output);
    if (tensor.rank() != 2) {
      throw new IllegalStateException("Expected a [batch, tokens] output, got " + tensor);
    }
    float[] values = new float[length];
    System.arraycopy(tensor.data(), row * tensor.rowSize(), values, 0, length);
    return values;
  }

  /** A per-sequence output ({@code [batch, width]}) for this sequence. */
  public float[] row(int output) {
    Tensor tensor = outputs.get(output);
    int size = tensor.rowSize();
    float[] values = new float[size];
    System.arraycopy(tensor.data(), row * size, values, 0, size);
    return values;
  }
}
