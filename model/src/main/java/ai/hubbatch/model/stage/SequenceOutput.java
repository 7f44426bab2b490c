package ai.hubbatch.model.stage;

import ai.hubbatch.model.engine.Tensor;
import java.util.List;

/**
 * The model outputs for one sequence of a batch: its row of every output tensor ({@link BatchRow}),
 * with the batch's padding dropped from per-token outputs.
 */
public final class SequenceOutput extends BatchRow {

  private final int length;

  /**
   * @param outputs the batch's outputs, batch first
   * @param row this sequence's index in the batch
   * @param length this sequence's real (unpadded) token count
   */
  public SequenceOutput(List<Tensor> outputs, int row, int length) {
    super(outputs, row);
    this.length = length;
  }

  /** Real tokens in this sequence. */
  public int length() {
    return length;
  }

  /**
   * A per-token output ({@code [batch, length, width]}) for this sequence's real tokens: {@code
   * length() * width} values, row-major.
   */
  public float[] tokens(int output) {
    Tensor tensor = tensor(output);
    if (tensor.rank() != 3) {
      throw new IllegalStateException("Expected a [batch, tokens, width] output, got " + tensor);
    }
    int width = tensor.dim(2);
    int start = index() * tensor.rowSize();
    float[] values = new float[length * width];
    System.arraycopy(tensor.data(), start, values, 0, values.length);
    return values;
  }

  /**
   * A per-token score ({@code [batch, length]}, as question answering's {@code start_logits}) for
   * this sequence's real tokens.
   */
  public float[] scores(int output) {
    Tensor tensor = tensor(output);
    if (tensor.rank() != 2) {
      throw new IllegalStateException("Expected a [batch, tokens] output, got " + tensor);
    }
    float[] values = new float[length];
    System.arraycopy(tensor.data(), index() * tensor.rowSize(), values, 0, length);
    return values;
  }
}
