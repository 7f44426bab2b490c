package ai.hubbatch.model.vision;

import static ai.hubbatch.model.task.OutputColumn.field;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.Network;
import ai.hubbatch.model.engine.Networks;
import ai.hubbatch.model.engine.TensorSpec;
import ai.hubbatch.model.image.ImageDecoder;
import ai.hubbatch.model.image.ImageProcessor;
import ai.hubbatch.model.source.ModelFolder;
import ai.hubbatch.model.task.Labels;
import ai.hubbatch.model.task.OutputColumn;
import ai.hubbatch.model.task.OutputColumn.Kind;
import ai.hubbatch.model.task.Task;
import ai.hubbatch.model.task.TaskContext;
import ai.hubbatch.model.task.TaskFactory;
import ai.hubbatch.model.task.TaskProvider;
import ai.hubbatch.model.tokenize.SequenceLimits;
import ai.hubbatch.model.tokenize.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in vision tasks: each runs an ONNX image model ({@code onnx/model.onnx} or {@code
 * model.onnx}) on ONNX Runtime through a {@link VisionStage}, with the model's image processor
 * ({@code preprocessor_config.json}); zero-shot classification also reads the model's tokenizer,
 * and takes CLIP's towers ({@code vision_model.onnx}, {@code text_model.onnx}) where the folder has
 * no whole graph. The image decoder refuses images of more pixels than the job's {@link
 * ai.hubbatch.model.codec.MediaLimits}.
 */
public final class VisionTasks implements TaskProvider {

  /** Outputs of heads these tasks do not post-process: instance and panoptic segmentation. */
  private static final Set<String> MASK_HEADS =
      Set.of("pred_masks", "masks_queries_logits", "class_queries_logits");

  private static final OutputColumn LABEL = field("label", Kind.STRING);
  private static final OutputColumn SCORE = field("score", Kind.DOUBLE);

  /** Makes a task from what every vision task loads. */
  @FunctionalInterface
  private interface Maker {
    Task<?, ?, ?> make(TaskContext context, Parts parts) throws IOException;
  }

  /** What every vision task loads: the model's folder, processor and decoder. */
  private record Parts(ModelFolder folder, ImageProcessor processor, ImageDecoder decoder) {

    static Parts of(TaskContext context, String task) throws IOException {
      ModelFolder folder = context.folder();
      if (context.engine().isPresent() && context.engine().get() != EngineKind.ONNX_RUNTIME) {
        throw new ConfigurationException(
            task
                + " runs ONNX models on ONNX Runtime; --engine "
                + context.engine().get().djlName()
                + " is not supported for it");
      }
      Path config =
          folder
              .file("preprocessor_config.json")
              .orElseThrow(
                  () ->
                      new ConfigurationException(
                          "The model "
                              + folder.displayName()
                              + " has no preprocessor_config.json, which says how "
                              + task
                              + " resizes and normalizes images for it. Files found: "
                              + folder.listFiles()));
      return new Parts(
          folder,
          ImageProcessor.read(config),
          ImageDecoder.defaults().withMaxPixels(context.mediaLimits().maxImagePixels()));
    }

    /** The ONNX file {@code name} under onnx/ or at the top, if the folder has it. */
    Optional<Path> onnx(String name) {
      return folder.file("onnx/" + name).or(() -> folder.file(name));
    }

    /** The stage that runs this graph. */
    VisionStage stage(Network network) {
      return new VisionStage(folder, network, processor);
    }
  }

  private final Map<String, TaskFactory> factories =
      Map.of(
          ImageClassificationTask.NAME,
          factory(
              (context, parts) ->
                  new ImageClassificationTask(
                      parts.stage(graph(context, parts, ImageClassificationTask.NAME)),
                      parts.decoder(),
                      parts.processor(),
                      Labels.of(parts.folder())),
              ImageClassificationTask.NAME,
              OutputColumn.structList("predictions", "", LABEL, SCORE)),
          ObjectDetectionTask.NAME,
          factory(
              VisionTasks::objectDetection,
              ObjectDetectionTask.NAME,
              OutputColumn.structList(
                  "detections",
                  "",
                  SCORE,
                  LABEL,
                  OutputColumn.struct(
                      "box",
                      "/box",
                      field("xmin", Kind.LONG),
                      field("ymin", Kind.LONG),
                      field("xmax", Kind.LONG),
                      field("ymax", Kind.LONG)))),
          ImageSegmentationTask.NAME,
          factory(
              VisionTasks::imageSegmentation,
              ImageSegmentationTask.NAME,
              OutputColumn.structList(
                  "segments", "", SCORE, LABEL, field("mask", Kind.BASE64_BYTES))),
          ZeroShotImageClassificationTask.NAME,
          factory(
              VisionTasks::zeroShot,
              ZeroShotImageClassificationTask.NAME,
              OutputColumn.structList("predictions", "", SCORE, LABEL)));

  @Override
  public Map<String, TaskFactory> tasks() {
    return factories;
  }

  private static TaskFactory factory(Maker maker, String name, OutputColumn... columns) {
    List<OutputColumn> declared = List.of(columns);
    return new TaskFactory() {
      @Override
      public Task<?, ?, ?> create(TaskContext context) throws IOException {
        return maker.make(context, Parts.of(context, name));
      }

      @Override
      public List<OutputColumn> outputColumns() {
        return declared;
      }
    };
  }

  /** The folder's whole graph ({@code model.onnx}), kept until the model closes. */
  private static Network graph(TaskContext context, Parts parts, String task) throws IOException {
    Path file =
        parts
            .onnx("model.onnx")
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "The model "
                            + parts.folder().displayName()
                            + " has no ONNX graph (onnx/model.onnx or model.onnx), which "
                            + task
                            + " runs. Files found: "
                            + parts.folder().listFiles()
                            + ". Export one (optimum-cli export onnx --model <id> <folder>) or use"
                            + " a repository that has one (onnx-community/, Xenova/)."));
    return context.keep(Networks.onnx(file, context.settings()));
  }

  private static Task<?, ?, ?> objectDetection(TaskContext context, Parts parts)
      throws IOException {
    String type = parts.folder().config().path("model_type").asText("");
    if (!ObjectDetectionTask.MODEL_TYPES.contains(type)) {
      throw new ConfigurationException(
          "object-detection post-processes as DETR does (a softmax with a no-object class), "
              + "which fits model types "
              + ObjectDetectionTask.MODEL_TYPES.stream().sorted().toList()
              + "; the model "
              + parts.folder().displayName()
              + " is "
              + (type.isEmpty() ? "of no model_type" : "a " + type + " model")
              + ", whose post-processing hubbatch does not have");
    }
    Network network = graph(context, parts, ObjectDetectionTask.NAME);
    return new ObjectDetectionTask(
        parts.stage(network), parts.decoder(), parts.processor(), Labels.of(parts.folder()));
  }

  private static Task<?, ?, ?> imageSegmentation(TaskContext context, Parts parts)
      throws IOException {
    Network network = graph(context, parts, ImageSegmentationTask.NAME);
    for (TensorSpec output : network.outputs()) {
      if (MASK_HEADS.contains(output.name())) {
        throw new ConfigurationException(
            "The model "
                + parts.folder().displayName()
                + " segments by instance or panoptically (it outputs "
                + output.name()
                + "); hubbatch's image-segmentation post-processes semantic segmenters "
                + "(Segformer and others whose logits are [labels, height, width]) only");
      }
    }
    return new ImageSegmentationTask(
        parts.stage(network), parts.decoder(), parts.processor(), Labels.of(parts.folder()));
  }

  private static Task<?, ?, ?> zeroShot(TaskContext context, Parts parts) throws IOException {
    ModelFolder folder = parts.folder();
    if (folder.config().path("model_type").asText("").equals("siglip")) {
      throw new ConfigurationException(
          "zero-shot-image-classification runs CLIP-style models (a softmax over the labels);"
              + " SigLIP's sigmoid scores and fixed-length prompts are not supported yet");
    }
    TextTokenizer tokenizer = context.tokenizer(SequenceLimits.modelMaximum(folder));
    long padId = padId(folder, tokenizer);
    Optional<Path> whole = parts.onnx("model.onnx");
    Optional<Path> vision = parts.onnx("vision_model.onnx");
    Optional<Path> text = parts.onnx("text_model.onnx");
    if (whole.isPresent() || vision.isEmpty() || text.isEmpty()) {
      Network network = graph(context, parts, ZeroShotImageClassificationTask.NAME);
      VisionStage stage = parts.stage(network);
      if (!stage.takesTexts()) {
        throw new ConfigurationException(
            "The model "
                + folder.displayName()
                + " takes no input_ids: zero-shot-image-classification needs a dual encoder's"
                + " whole graph (CLIP's model.onnx) or its two towers");
      }
      return new ZeroShotImageClassificationTask(
          stage, parts.decoder(), parts.processor(), tokenizer, padId, null, 1);
    }
    double scale =
        LogitScale.read(folder)
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "The model "
                            + folder.displayName()
                            + " has CLIP's two towers (vision_model.onnx, text_model.onnx) but"
                            + " not the logit_scale that turns their embeddings into logits: add"
                            + " the whole graph (onnx/model.onnx) or the weights that hold it"
                            + " (model.safetensors)"));
    TextTower tower = context.keep(new TextTower(Networks.onnx(text.get(), context.settings())));
    Network network = context.keep(Networks.onnx(vision.get(), context.settings()));
    return new ZeroShotImageClassificationTask(
        parts.stage(network), parts.decoder(), parts.processor(), tokenizer, padId, tower, scale);
  }

  /**
   * The tokenizer's padding token, as the pipeline pads prompts ({@code tokenizer_config.json}'s
   * {@code pad_token}: CLIP's end-of-text token); the tokenizer's own otherwise.
   */
  private static long padId(ModelFolder folder, TextTokenizer tokenizer) {
    JsonNode pad = folder.json("tokenizer_config.json").path("pad_token");
    String token = pad.isTextual() ? pad.asText() : pad.path("content").asText(null);
    return tokenizer.vocabulary().id(token).orElse(tokenizer.padId());
  }
}
