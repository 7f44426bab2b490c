package ai.hubbatch.model.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.engine.Dtype;
import ai.hubbatch.model.engine.EngineSettings;
import ai.hubbatch.model.engine.WeightsRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelFilesTest {

  @Test
  void aRepositorysCodeIsDownloadedSoItIsRefusedOrRunAsAFoldersIs() {
    List<String> repository =
        List.of(
            "README.md",
            "code/inference.py",
            "code/keywords.jar",
            "code/lib/dependency.jar",
            "code/requirements.txt",
            "config.json",
            "onnx/model.onnx",
            "onnx/model_fp16.onnx",
            "tokenizer.json");
    WeightsRequest onnx =
        new WeightsRequest(Optional.empty(), Dtype.AUTO, EngineSettings.defaults());

    assertEquals(
        List.of(
            "code/inference.py",
            "code/keywords.jar",
            "code/lib/dependency.jar",
            "config.json",
            "tokenizer.json",
            "onnx/model.onnx"),
        ModelFiles.needed(repository, onnx, "org/model"));
  }
}
