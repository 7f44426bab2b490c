package ai.hubbatch.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which weights each engine takes from a repository listing, and what happens without any. */
class EngineKindTest {

  private static final EngineKind ORT = EngineKind.ONNX_RUNTIME;

  @Test
  void onnxExportsInTheHubsLayouts() {
    assertEquals(
        List.of("onnx/model.onnx", "onnx/model.onnx_data"),
        ORT.weightFiles(
            List.of(
                "config.json",
                "onnx/model.onnx",
                "onnx/model.onnx_data",
                "onnx/model_quantized.onnx",
                "model.onnx")));
    assertEquals(
        List.of("model.onnx", "model.onnx.data"),
        ORT.weightFiles(List.of("model.onnx.data", "model.onnx")));
    assertEquals(
        List.of("onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx"),
        ORT.weightFiles(
            List.of(
                "onnx/encoder_model.onnx",
                "onnx/decoder_model.onnx",
                "onnx/decoder_with_past_model.onnx",
                "onnx/decoder_model_merged.onnx")),
        "optimum's encoder-decoder export: the merged decoder when there is one");
    assertEquals(
        List.of("encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx"),
        ORT.weightFiles(
            List.of("encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx")));
    assertEquals(
        List.of("decoder_model_merged.onnx"),
        ORT.weightFiles(List.of("decoder_model_merged.onnx", "config.json")),
        "optimum's decoder-only export");
    assertEquals(
        List.of(),
        ORT.weightFiles(List.of("encoder_model.onnx")),
        "an encoder alone is no optimum layout");
  }

  @Test
  void eachDtypeHasItsOwnFilesInTheSameLayouts() {
    List<String> files =
        List.of(
            "onnx/model.onnx",
            "onnx/model_fp16.onnx",
            "onnx/model_fp16.onnx_data",
            "onnx/model_quantized.onnx",
            "onnx/model_qint8_avx512.onnx");
    assertEquals(List.of("onnx/model.onnx"), ORT.weightFiles(files));
    assertEquals(
        List.of("onnx/model_fp16.onnx", "onnx/model_fp16.onnx_data"),
        ORT.weightFiles(files, Dtype.FP16));
    assertEquals(List.of("onnx/model_quantized.onnx"), ORT.weightFiles(files, Dtype.Q8));
    assertEquals(List.of(), ORT.weightFiles(files, Dtype.Q4));
    assertEquals(EnumSet.of(Dtype.FP32, Dtype.FP16, Dtype.Q8), ORT.dtypes(files));
    assertEquals(
        List.of("onnx/encoder_model_q4.onnx", "onnx/decoder_model_merged_q4.onnx"),
        ORT.weightFiles(
            List.of(
                "onnx/encoder_model.onnx",
                "onnx/decoder_model_merged.onnx",
                "onnx/encoder_model_q4.onnx",
                "onnx/decoder_model_merged_q4.onnx"),
            Dtype.Q4));
    assertEquals(
        EnumSet.of(Dtype.Q8),
        ORT.dtypes(List.of("onnx/model_quantized.onnx")),
        "quantized weights alone are ONNX weights");
    assertEquals(
        ORT, EngineKind.select(List.of("onnx/model_quantized.onnx"), Optional.empty(), "m"));
    assertEquals(EnumSet.of(Dtype.FP32), EngineKind.PYTORCH.dtypes(List.of("model.pt")));
    assertEquals(List.of(), EngineKind.PYTORCH.weightFiles(List.of("model.pt"), Dtype.Q8));
  }

  @Test
  void aDualEncodersTowersWhereThereIsNoWholeGraph() {
    assertEquals(
        List.of("onnx/vision_model.onnx", "onnx/text_model.onnx"),
        ORT.weightFiles(
            List.of("onnx/text_model.onnx", "onnx/vision_model.onnx", "preprocessor_config.json")));
    assertEquals(
        List.of("onnx/model.onnx"),
        ORT.weightFiles(
            List.of("onnx/model.onnx", "onnx/text_model.onnx", "onnx/vision_model.onnx")),
        "CLIP's whole graph first, as transformers.js repositories have all three");
    assertEquals(List.of(), ORT.weightFiles(List.of("onnx/text_model.onnx")));
  }

  @Test
  void torchScriptButNotTrainingCheckpoints() {
    EngineKind pt = EngineKind.PYTORCH;
    assertEquals(List.of("model.pt"), pt.weightFiles(List.of("a.pt", "model.pt")));
    assertEquals(List.of("traced.pt"), pt.weightFiles(List.of("optimizer.pt", "traced.pt")));
    assertEquals(
        List.of(),
        pt.weightFiles(
            List.of("optimizer.pt", "scheduler.pt", "rng_state_0.pt", "checkpoint-10/model.pt")));
    assertEquals(
        EngineKind.PYTORCH,
        EngineKind.select(List.of("model.pt", "model.onnx"), Optional.empty(), "m"));
    assertEquals(
        ORT, EngineKind.select(List.of("optimizer.pt", "model.onnx"), Optional.empty(), "m"));
  }

  @Test
  void checkpointOnlyRepositoriesGetTheWaysOut() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EngineKind.select(
                    List.of(
                        "config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json"),
                    Optional.empty(),
                    "org/bert-safetensors"));
    String message = e.getMessage();
    assertTrue(
        message.startsWith("The model org/bert-safetensors has neither TorchScript"), message);
    assertTrue(
        message.contains(
            "it has only [model.safetensors, pytorch_model.bin], which " + "hubbatch does not run"),
        message);
    assertTrue(
        message.contains(
            "Files found: [config.json, model.safetensors, "
                + "pytorch_model.bin, tokenizer.json]"),
        message);
    assertTrue(
        message.contains("HF_MODEL_REVISION")
            && message.contains("mirror repository")
            && message.contains("optimum-cli export onnx --model org/bert-safetensors"),
        message);

    IllegalArgumentException requested =
        assertThrows(
            IllegalArgumentException.class,
            () -> EngineKind.select(List.of("model.onnx"), Optional.of(EngineKind.PYTORCH), "m"));
    assertTrue(
        requested.getMessage().contains("has no TorchScript (*.pt) weights"),
        requested.getMessage());
  }
}
