package ai.hubbatch.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dtypes' file names, as the Hub's ONNX exports and transformers.js name them. */
class DtypeTest {

  @Test
  void eachDtypeIsASuffixOnEveryGraphOfTheLayouts() {
    assertEquals("onnx/model.onnx", Dtype.FP32.file("onnx/model.onnx"));
    assertEquals("onnx/model_fp16.onnx", Dtype.FP16.file("onnx/model.onnx"));
    assertEquals("onnx/model_quantized.onnx", Dtype.Q8.file("onnx/model.onnx"));
    assertEquals("model_int8.onnx", Dtype.INT8.file("model.onnx"));
    assertEquals("onnx/model_uint8.onnx", Dtype.UINT8.file("onnx/model.onnx"));
    assertEquals("onnx/model_q4.onnx", Dtype.Q4.file("onnx/model.onnx"));
    assertEquals("onnx/model_q4f16.onnx", Dtype.Q4F16.file("onnx/model.onnx"));
    assertEquals("onnx/model_bnb4.onnx", Dtype.BNB4.file("onnx/model.onnx"));
    assertEquals(
        "onnx/decoder_model_merged_quantized.onnx",
        Dtype.Q8.file("onnx/decoder_model_merged.onnx"));
    assertEquals("onnx/encoder_model_q4.onnx", Dtype.Q4.file("onnx/encoder_model.onnx"));
    assertThrows(IllegalArgumentException.class, () -> Dtype.AUTO.file("onnx/model.onnx"));
    assertThrows(IllegalArgumentException.class, () -> Dtype.Q8.file("model.pt"));
  }

  @Test
  void theBaseOfAVariantIsItsFp32Graph() {
    for (Dtype dtype : EnumSet.complementOf(EnumSet.of(Dtype.AUTO))) {
      assertEquals("onnx/model.onnx", Dtype.base(dtype.file("onnx/model.onnx")), dtype.label());
      assertEquals(
          "onnx/decoder_model_merged.onnx",
          Dtype.base(dtype.file("onnx/decoder_model_merged.onnx")),
          dtype.label());
    }
    // Other exports on the Hub (sentence-transformers' optimised and AVX-specific files).
    assertEquals("onnx/model_qint8_avx512.onnx", Dtype.base("onnx/model_qint8_avx512.onnx"));
    assertEquals("onnx/model_O4.onnx", Dtype.base("onnx/model_O4.onnx"));
    assertEquals("config.json", Dtype.base("config.json"));
  }

  @Test
  void offeredAreTheDtypesThatHaveEveryGraph() {
    List<String> files =
        List.of(
            "onnx/encoder_model.onnx",
            "onnx/decoder_model_merged.onnx",
            "onnx/encoder_model_quantized.onnx",
            "onnx/decoder_model_merged_quantized.onnx",
            "onnx/encoder_model_fp16.onnx",
            "onnx/decoder_model_merged_q4.onnx");
    assertEquals(
        Set.of(Dtype.FP32, Dtype.Q8),
        Dtype.offered(files, List.of("onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx")));
    assertEquals(
        Set.of(Dtype.FP32, Dtype.Q8, Dtype.Q4),
        Dtype.offered(files, List.of("onnx/decoder_model_merged.onnx")));
  }

  @Test
  void parsesLabelsAndSaysWhichThereAre() {
    assertEquals(Dtype.Q8, Dtype.parse(" Q8 "));
    assertEquals(Dtype.FP16, Dtype.parse("float16"));
    assertEquals(Dtype.AUTO, Dtype.parse("auto"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Dtype.parse("int4"));
    assertEquals(
        "Unknown dtype 'int4': use auto, fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4",
        e.getMessage());
  }

  @Test
  void onlyTheEightBitDtypesQuantizeActivationsPerCall() {
    assertTrue(Dtype.Q8.quantizesActivationsPerCall());
    assertTrue(Dtype.UINT8.quantizesActivationsPerCall());
    assertFalse(Dtype.Q4.quantizesActivationsPerCall());
    assertFalse(Dtype.FP16.quantizesActivationsPerCall());
  }
}
