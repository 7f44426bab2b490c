package ai.hubbatch.model.vision;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.engine.HostTensor;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.NetworkSession;
import ai.hubbatch.model.engine.Outputs;
import ai.hubbatch.model.engine.Tensor;
import ai.hubbatch.model.engine.TensorSpec;
import ai.hubbatch.model.image.ImageProcessor;
import ai.hubbatch.model.image.PixelBatch;
import ai.hubbatch.model.image.ProcessedImage;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.stage.BatchRow;
import ai.hubbatch.model.stage.ForwardStage;
import ai.hubbatch.model.stage.SizedLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An image model run once per image, in batches: {@code pixel_values} of images of one processed
 * shape are stacked without padding; a processor that pads (DETR's) lets images of different shapes
 * share a batch when the model takes its {@code pixel_mask}, which tells the model where the
 * padding is (images of one orientation only, so little is padding). A dual encoder run as one
 * graph (CLIP's {@code model.onnx}) also takes its prompts' {@code input_ids} and {@code
 * attention_mask}: images with the same prompts share a batch. Every output comes back per image as
 * a {@link BatchRow}. Cost is processed pixels.
 *
 * <p>Decoding and processing happen before, in the task's {@code prepare}, per request, so they run
 * on the threads that prepare requests; the stage only stacks pixels and runs the engine.
 */
public final class VisionStage extends ForwardStage<ImageInput, BatchRow> {

  private static final String PIXEL_VALUES = "pixel_values";
  private static final String PIXEL_MASK = "pixel_mask";
  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";
  private static final Set<String> FED =
      Set.of(PIXEL_VALUES, PIXEL_MASK, INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

  /** Which inputs may share a batch: same prompts, and same shape (or orientation, when padded). */
  private record Key(Prompts prompts, int height, int width, boolean portrait) {}

  private final Network network;
  private final ImageProcessor processor;
  private final boolean padded;

  /**
   * @param folder the model's folder, for messages
   * @param network the image model
   * @param processor the model's image processor, which stacks (and pads) batches
   * @throws IllegalArgumentException if the network takes inputs an image model is not fed, or no
   *     {@code pixel_values}
   */
  public VisionStage(ModelFolder folder, Network network, ImageProcessor processor) {
    for (TensorSpec input : network.inputs()) {
      if (!FED.contains(input.name())) {
        throw new IllegalArgumentException(
            "The model "
                + folder.displayName()
                + " ("
                + network.file().getFileName()
                + ") takes an input named '"
                + input.name()
                + "'; an image model is fed "
                + String.join(", ", FED.stream().sorted().toList()));
      }
    }
    if (!network.takes(PIXEL_VALUES)) {
      throw new IllegalArgumentException(
          "The model "
              + folder.displayName()
              + " ("
              + network.file().getFileName()
              + ") takes no pixel_values; its inputs are "
              + network.inputs());
    }
    this.network = network;
    this.processor = processor;
    this.padded = processor.pads() && network.takes(PIXEL_MASK);
  }

  /** Whether the model also takes texts ({@code input_ids}): a dual encoder run as one graph. */
  public boolean takesTexts() {
    return network.takes(INPUT_IDS);
  }

  @Override
  public long cost(ImageInput input) {
    return input.pixels();
  }

  @Override
  public String costUnit() {
    return "pixels";
  }

  @Override
  public Device device() {
    return network.device();
  }

  @Override
  public String describe() {
    return "engine "
        + network.engine().djlName()
        + ", device "
        + network.device()
        + ", "
        + processor.type()
        + (padded ? ", padded batches with pixel_mask" : "");
  }

  @Override
  public SizedLimits defaultLimits() {
    Device device = network.device();
    if (device.isGpu()) {
      long free =
          CudaUtils.getGpuMemory(device).getMax() - CudaUtils.getGpuMemory(device).getUsed();
      return new SizedLimits(VisionBudgets.forGpu(free), "sized for the free memory of " + device);
    }
    return new SizedLimits(VisionBudgets.forCpu(), "a few images per call on a CPU");
  }

  /**
   * A few batches' worth: images of one shape gain nothing from being sorted, and each pixel waits
   * as four float bytes per channel.
   */
  @Override
  public long gatherCost(BatchLimits limits) {
    return (long) VisionBudgets.GATHERED_BATCHES * limits.maxCost();
  }

  @Override
  protected Object batchKey(ImageInput input) {
    ProcessedImage image = input.image();
    if (padded) {
      return new Key(input.prompts(), 0, 0, image.height() >= image.width());
    }
    return new Key(input.prompts(), image.height(), image.width(), false);
  }

  @Override
  protected BatchSession<ImageInput, BatchRow> newBatchSession() {
    NetworkSession session = network.newSession();
    return new BatchSession<>() {
      @Override
      public Batch<BatchRow> run(List<ImageInput> batch) {
        List<ProcessedImage> images = new ArrayList<>(batch.size());
        batch.forEach(input -> images.add(input.image()));
        PixelBatch pixels = processor.batch(images);
        Map<String, HostTensor> inputs = new HashMap<>();
        inputs.put(PIXEL_VALUES, HostTensor.ofFloats(pixels.pixelValues(), pixels.shape()));
        if (network.takes(PIXEL_MASK)) {
          inputs.put(PIXEL_MASK, pixelMask(pixels));
        }
        if (network.takes(INPUT_IDS)) {
          feedPrompts(batch.get(0).prompts(), inputs);
        }
        List<Tensor> outputs;
        try (Outputs run = session.run(inputs)) {
          outputs = run.readAll();
        }
        List<BatchRow> rows = new ArrayList<>(batch.size());
        for (int row = 0; row < batch.size(); row++) {
          rows.add(new BatchRow(outputs, row));
        }
        return new Batch<>(rows, (long) pixels.size() * pixels.height() * pixels.width());
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }

  /** The processor's mask, or all ones when it pads nothing (the model still takes one). */
  private static HostTensor pixelMask(PixelBatch pixels) {
    long[] mask = pixels.pixelMask();
    if (mask == null) {
      mask = new long[pixels.size() * pixels.height() * pixels.width()];
      Arrays.fill(mask, 1L);
    }
    return HostTensor.ofLongs(mask, pixels.size(), pixels.height(), pixels.width());
  }

  private void feedPrompts(Prompts prompts, Map<String, HostTensor> inputs) {
    if (prompts == null) {
      throw new IllegalStateException("The model takes texts and the task gave none");
    }
    long[] shape = prompts.shape();
    inputs.put(INPUT_IDS, HostTensor.ofLongs(prompts.ids(), shape));
    if (network.takes(ATTENTION_MASK)) {
      inputs.put(ATTENTION_MASK, HostTensor.ofLongs(prompts.mask(), shape));
    }
    if (network.takes(TOKEN_TYPE_IDS)) {
      inputs.put(TOKEN_TYPE_IDS, HostTensor.ofLongs(new long[prompts.ids().length], shape));
    }
  }
}
