package ai.hubbatch.model.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link TokenBatch} into the encoder's named int64 inputs and copies every output to the
 * Java heap, so engine memory is released when the prediction's context closes.
 */
final class EncoderTranslator implements NoBatchifyTranslator<TokenBatch, List<Tensor>> {

  private final List<EncoderInput> inputs;

  EncoderTranslator(List<EncoderInput> inputs) {
    this.inputs = List.copyOf(inputs);
  }

  @Override
  public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
    NDManager manager = ctx.getNDManager();
    Shape shape = new Shape(batch.size(), batch.length());
    NDList list = new NDList(inputs.size());
    for (EncoderInput input : inputs) {
      NDArray array = manager.create(input.values(batch), shape);
      array.setName(input.onnxName());
      list.add(array);
    }
    return list;
  }

  @Override
  public List<Tensor> processOutput(TranslatorContext ctx, NDList list) {
    List<Tensor> tensors = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      NDArray array = list.get(i);
      if (array.getDataType() != DataType.FLOAT32) {
        array = array.toType(DataType.FLOAT32, false);
      }
      String name = array.getName() == null ? String.valueOf(i) : array.getName();
      tensors.add(new Tensor(name, array.getShape().getShape(), array.toFloatArray()));
    }
    return tensors;
  }
}
