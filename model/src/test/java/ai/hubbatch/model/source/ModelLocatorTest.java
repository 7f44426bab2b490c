package ai.hubbatch.model.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.LocalHub;
import ai.hubbatch.model.TestModels;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineKind;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.WeightsRequest;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.source.hub.HubSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a model name means, in order: nothing, an archive, a folder, a Hub id. */
class ModelLocatorTest {

  @TempDir Path temp;

  private ModelLocator locator(LocalHub hub) {
    return ModelLocator.fromEnvironment()
        .withCache(temp.resolve("cache"))
        .withHub(HubSettings.of(temp.resolve("hub")).withEndpoint(hub.endpoint()));
  }

  @Test
  void downloadsTheDefaultModelFromTheHubWithOnlyTheChosenEnginesWeights() throws Exception {
    Map<String, byte[]> files = LocalHub.filesOf(TestModels.defaultModel().path());
    // The real repository also holds other weight formats and exports; none of them download.
    files.put("model.safetensors", new byte[] {1, 2, 3});
    files.put("pytorch_model.bin", new byte[] {4, 5, 6});
    files.put("onnx/model_qint8_avx512.onnx", new byte[] {7, 8, 9});
    files.put("openvino/openvino_model.xml", new byte[] {10});
    try (LocalHub hub = LocalHub.start()) {
      String commit = hub.publish(DefaultModel.ID, "main", files);
      hub.setPipelineTag(DefaultModel.ID, "sentence-similarity");
      LocatedModel located = locator(hub).locate(DefaultModel.ID, null, Optional.empty());
      assertEquals(DefaultModel.ID, located.reference());
      assertEquals(commit, located.revision());
      assertEquals("sentence-similarity", located.pipelineTag());
      assertEquals(
          List.of(
              "1_Pooling/config.json",
              "config.json",
              "modules.json",
              "onnx/model.onnx",
              "sentence_bert_config.json",
              "special_tokens_map.json",
              "tokenizer.json",
              "tokenizer_config.json"),
          located.folder().listFiles());
      assertArrayEquals(
          files.get("onnx/model.onnx"),
          Files.readAllBytes(located.folder().path().resolve("onnx/model.onnx")));
      assertEquals(EngineKind.ONNX_RUNTIME, EngineKind.select(located.folder(), Optional.empty()));
    }
  }

  @Test
  void downloadsOnlyTheDtypeAskedForAndItRuns() throws Exception {
    Map<String, byte[]> files = LocalHub.filesOf(TestModels.defaultModel().path());
    // The other variants of a Hub ONNX export; none of them may be asked for.
    files.put("onnx/model_fp16.onnx", new byte[] {1});
    files.put("onnx/model_int8.onnx", new byte[] {2});
    files.put("onnx/model_q4.onnx", new byte[] {3});
    files.put("onnx/model_q4.onnx_data", new byte[] {4});
    files.put("onnx/model.onnx_data", new byte[] {5});
    try (LocalHub hub = LocalHub.start()) {
      hub.publish("Xenova/all-MiniLM-L6-v2", "main", files);
      WeightsRequest q8 = new WeightsRequest(Optional.empty(), Dtype.Q8, EngineSettings.defaults());
      LocatedModel located = locator(hub).locate("Xenova/all-MiniLM-L6-v2", null, q8);
      List<String> weights =
          located.folder().listFiles().stream().filter(f -> f.startsWith("onnx/")).toList();
      assertEquals(List.of("onnx/model_quantized.onnx"), weights);
      List<String> downloads =
          hub.requests("/resolve/").stream()
              .map(LocalHub.Request::path)
              .filter(p -> p.contains("onnx/"))
              .distinct()
              .toList();
      assertEquals(1, downloads.size(), LocalHub.paths(hub.requests()).toString());
      assertTrue(downloads.get(0).endsWith("/onnx/model_quantized.onnx"), downloads.toString());
      assertEquals(0, hub.bytesServed(files.get("onnx/model.onnx")), "no fp32 bytes");
      assertEquals(
          files.get("onnx/model_quantized.onnx").length,
          hub.bytesServed(files.get("onnx/model_quantized.onnx")));

      // What was downloaded is the quantized model the worker loads and runs.
      try (LoadedModel model =
          LoadedModel.load(
              new ModelSpec(
                      located.folder().path().toString(), null, null, EngineSettings.defaults())
                  .withDtype(Dtype.Q8))) {
        assertEquals("onnx/model_quantized.onnx", model.weights().main());
        try (BatchPredictor predictor =
            model.newPredictor(BatchSizing.auto().resolve(model), InferenceListener.NONE)) {
          assertEquals(
              384,
              predictor
                  .complete(List.of(predictor.prepare("{\"inputs\":\"This is a test.\"}")))
                  .get(0)
                  .response()
                  .get("embeddings")
                  .size());
        }
      }

      hub.clearRequests();
      LocatedModel q4 =
          locator(hub).locate("Xenova/all-MiniLM-L6-v2", null, q8.withDtype(Dtype.Q4));
      assertTrue(
          q4.folder()
              .listFiles()
              .containsAll(List.of("onnx/model_q4.onnx", "onnx/model_q4.onnx_data")),
          "a variant's external data comes with it");
      assertEquals(
          List.of(),
          hub.requests("/resolve/").stream()
              .map(LocalHub.Request::path)
              .filter(p -> p.contains("model.onnx") || p.contains("_fp16") || p.contains("_int8"))
              .toList());

      hub.clearRequests();
      IllegalArgumentException missing =
          assertThrows(
              IllegalArgumentException.class,
              () -> locator(hub).locate("Xenova/all-MiniLM-L6-v2", null, q8.withDtype(Dtype.BNB4)));
      assertTrue(
          missing
              .getMessage()
              .contains(
                  "has no bnb4 weights (onnx/model_bnb4.onnx). It has fp32 (onnx/model.onnx), fp16"
                      + " (onnx/model_fp16.onnx), q8 (onnx/model_quantized.onnx), int8"
                      + " (onnx/model_int8.onnx), q4 (onnx/model_q4.onnx)."),
          missing.getMessage());
      assertEquals(List.of(), hub.requests("/resolve/"), "nothing downloads for a missing dtype");
    }
  }

  @Test
  void onlyTheUnnamedModelIsTheBundledOne() throws Exception {
    LocatedModel bundled = ModelLocator.fromEnvironment().locate("", null, Optional.empty());
    assertEquals("", bundled.reference());
    assertNull(bundled.revision());
    assertTrue(bundled.folder().file("onnx/model.onnx").isPresent());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelLocator.fromEnvironment()
                    .withHub(HubSettings.of(temp.resolve("hub")).withOffline(true))
                    .locate(DefaultModel.ID, null, Optional.empty()));
    assertTrue(
        e.getMessage().startsWith("HF_HUB_OFFLINE is set"),
        "a named default model comes from the Hub: " + e.getMessage());
  }

  @Test
  void theSageMakerModelFolderIsUsedWhenNothingIsNamed() throws Exception {
    Path modelDir = Files.createDirectories(temp.resolve("opt/ml/model"));
    Files.writeString(modelDir.resolve("config.json"), "{\"architectures\":[\"BertModel\"]}");
    LocatedModel located =
        ModelLocator.fromEnvironment()
            .withSageMakerModelDir(modelDir)
            .locate(null, null, Optional.empty());
    assertEquals(modelDir.toString(), located.reference());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelLocator.fromEnvironment()
                    .withSageMakerModelDir(temp.resolve("none"))
                    .locate("", null, Optional.empty()));
    assertTrue(missing.getMessage().contains("Model folder not found"), missing.getMessage());
  }

  @Test
  void choosesTheModelAsTheToolkitsSageMakerContainersDo() throws Exception {
    Path base = temp.resolve("opt/ml");
    Files.createDirectories(base.resolve("model"));
    ModelLocator unset =
        ModelLocator.fromEnvironment().withModelId(null).withSageMakerBaseDir(base);
    assertEquals("", unset.choose(null), "an empty /opt/ml/model is not a model");
    Files.writeString(base.resolve("model/config.json"), "{\"architectures\":[\"BertModel\"]}");
    assertEquals(base.resolve("model").toString(), unset.choose(" "));
    ModelLocator smModelDir = unset.withSageMakerModelDir(temp.resolve("sm"));
    assertEquals(
        temp.resolve("sm").toString(),
        smModelDir.choose(null),
        "SM_MODEL_DIR before /opt/ml/model");
    ModelLocator modelId = smModelDir.withModelId("org/model");
    assertEquals("org/model", modelId.choose(null), "HF_MODEL_ID before both, as the toolkit");
    assertEquals("/cli", modelId.choose(" /cli "), "a name given before everything");

    assertEquals(
        base.resolve("model").toString(),
        unset.locate(null, null, Optional.empty()).reference(),
        "locate reads the same order");
    Path named = Files.createDirectories(temp.resolve("named"));
    assertEquals(
        named.toString(),
        smModelDir.withModelId(named.toString()).locate("", null, Optional.empty()).reference());
  }

  @Test
  void foldersWinOverHubIdsAndOtherNamesSayWhatTheyAreNot() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("org/name"));
    LocatedModel located =
        ModelLocator.fromEnvironment().locate(folder.toString(), "v1", Optional.empty());
    assertEquals(folder.toString(), located.reference());
    assertNull(located.revision(), "a folder has no revision");
    IllegalArgumentException notFound =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelLocator.fromEnvironment()
                    .locate(temp + "/missing/dir/x", null, Optional.empty()));
    assertTrue(notFound.getMessage().startsWith("Model folder not found"), notFound.getMessage());
    IllegalArgumentException remoteFolder =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelLocator.fromEnvironment()
                    .locate("s3://bucket/model/", null, Optional.empty()));
    assertTrue(
        remoteFolder.getMessage().contains("does not end in .tar.gz"), remoteFolder.getMessage());
  }
}
