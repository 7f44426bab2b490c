package ai.hubbatch.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a dtype asked for becomes the files to load, on each device. */
class WeightsRequestTest {

  private static final List<String> HUB_EXPORT =
      List.of(
          "config.json",
          "onnx/model.onnx",
          "onnx/model_fp16.onnx",
          "onnx/model_quantized.onnx",
          "onnx/model_q4.onnx",
          "onnx/model_q4.onnx_data",
          "tokenizer.json");

  private static Weights choose(
      List<String> files, Optional<EngineKind> engine, Dtype dtype, boolean gpu) {
    return new WeightsRequest(engine, dtype, EngineSettings.defaults())
        .choose(files, "org/model", () -> gpu);
  }

  @Test
  void autoIsFp32OnACpuAndFp16OnAGpuThatHasThem() {
    assertEquals(
        new Weights(EngineKind.ONNX_RUNTIME, Dtype.FP32, List.of("onnx/model.onnx")),
        choose(HUB_EXPORT, Optional.empty(), Dtype.AUTO, false));
    assertEquals(
        new Weights(EngineKind.ONNX_RUNTIME, Dtype.FP16, List.of("onnx/model_fp16.onnx")),
        choose(HUB_EXPORT, Optional.empty(), Dtype.AUTO, true));
    assertEquals(
        Dtype.FP32,
        choose(List.of("onnx/model.onnx"), Optional.empty(), Dtype.AUTO, true).dtype(),
        "a GPU without fp16 weights runs fp32");
  }

  @Test
  void aDtypeAskedForIsItsFileWithItsExternalData() {
    assertEquals(
        List.of("onnx/model_q4.onnx", "onnx/model_q4.onnx_data"),
        choose(HUB_EXPORT, Optional.empty(), Dtype.Q4, false).files());
    Weights q8 = choose(HUB_EXPORT, Optional.empty(), Dtype.Q8, false);
    assertEquals("onnx/model_quantized.onnx (q8, OnnxRuntime)", q8.describe());
    assertEquals(
        Dtype.FP16,
        choose(HUB_EXPORT, Optional.empty(), Dtype.FP16, false).dtype(),
        "fp16 on a CPU runs as asked");
  }

  @Test
  void aDtypeTheModelLacksListsTheOnesItHas() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> choose(HUB_EXPORT, Optional.empty(), Dtype.BNB4, false));
    assertEquals(
        "The model org/model has no bnb4 weights (onnx/model_bnb4.onnx). It has fp32"
            + " (onnx/model.onnx), fp16 (onnx/model_fp16.onnx), q8 (onnx/model_quantized.onnx), q4"
            + " (onnx/model_q4.onnx). Choose one of fp32, fp16, q8, q4 with --dtype (HF_DTYPE), or"
            + " a repository that holds more variants (the Hub's onnx-community/ and Xenova/"
            + " exports usually do).",
        e.getMessage());
    IllegalArgumentException noFp32 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                choose(List.of("onnx/model_quantized.onnx"), Optional.empty(), Dtype.AUTO, false));
    assertTrue(
        noFp32
            .getMessage()
            .startsWith("The model org/model has no fp32 weights (onnx/model.onnx)."),
        noFp32.getMessage());
    assertEquals(
        Dtype.Q8,
        choose(List.of("onnx/model_quantized.onnx"), Optional.empty(), Dtype.Q8, false).dtype(),
        "a repository of quantized weights only is an ONNX model");
  }

  @Test
  void torchScriptHasNoVariants() {
    List<String> both = List.of("model.pt", "onnx/model.onnx", "onnx/model_quantized.onnx");
    assertEquals(EngineKind.PYTORCH, choose(both, Optional.empty(), Dtype.AUTO, false).engine());
    assertEquals(
        new Weights(EngineKind.ONNX_RUNTIME, Dtype.Q8, List.of("onnx/model_quantized.onnx")),
        choose(both, Optional.empty(), Dtype.Q8, false),
        "a variant asked for picks the engine that has it");
    for (List<String> files : List.of(List.of("model.pt"), both)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> choose(files, Optional.of(EngineKind.PYTORCH), Dtype.Q8, false));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "The model org/model has TorchScript weights, which come in fp32 only: --dtype"
                      + " q8 needs ONNX weights (onnx/model_quantized.onnx"),
          e.getMessage());
    }
    assertEquals(
        Dtype.FP32, choose(List.of("model.pt"), Optional.empty(), Dtype.FP32, false).dtype());
  }
}
