package ai.hubbatch.model.stage;

import ai.hubbatch.model.engine.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * One input's share of a batch's outputs: its row of every output tensor (batch first). The one way
 * stages hand per-input outputs to tasks; {@link SequenceOutput} adds what token sequences need.
 */
public class BatchRow {

  private final List<Tensor> outputs;
  private final int row;

  /**
   * @param outputs the batch's outputs, batch first
   * @param row this input's index in the batch
   */
  public BatchRow(List<Tensor> outputs, int row) {
    this.outputs = outputs;
    this.row = row;
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

  /** This input's row of an output: its dimensions after the batch's ({@code [labels, h, w]}). */
  public long[] rowShape(int output) {
    long[] shape = outputs.get(output).shape();
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** This input's row of an output, row-major: every value of {@link #rowShape}. */
  public float[] row(int output) {
    Tensor tensor = outputs.get(output);
    int size = tensor.rowSize();
    float[] values = new float[size];
    System.arraycopy(tensor.data(), row * size, values, 0, size);
    return values;
  }

  /** The tensor of an output, the whole batch's. */
  protected Tensor tensor(int output) {
    return outputs.get(output);
  }

  /** This input's index in its batch. */
  protected int index() {
    return row;
  }
}
