package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.source.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskInferenceTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "TapasForQuestionAnswering, table-question-answering",
    "BertForQuestionAnswering, question-answering",
    "DistilBertForSequenceClassification, text-classification",
    "RobertaForTokenClassification, token-classification",
    "BertForMaskedLM, fill-mask",
    "GPT2LMHeadModel, text-generation",
    "LlamaForCausalLM, text-generation",
    "BartForConditionalGeneration, text2text-generation",
    "T5ForConditionalGeneration, text2text-generation",
    "MarianMTModel, text2text-generation",
    "WhisperForConditionalGeneration, automatic-speech-recognition",
    "Wav2Vec2ForCTC, automatic-speech-recognition",
    "ViTForImageClassification, image-classification",
    "ConvNextForImageClassification, image-classification",
    "BeitForImageClassification, image-classification",
    "DeiTForImageClassificationWithTeacher, image-classification",
    "DetrForObjectDetection, object-detection",
    "YolosForObjectDetection, object-detection",
    "SegformerForSemanticSegmentation, image-segmentation",
    "ASTForAudioClassification, audio-classification",
    "CLIPModel, zero-shot-image-classification",
    "XLMRobertaModel, feature-extraction",
  })
  void infersFromTheArchitecture(String architecture, String task) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"" + architecture + "\"]}");
    assertEquals(task, TaskInference.infer(ModelFolder.open(dir), Optional.empty()));
  }

  @ParameterizedTest
  @CsvSource({"BertModel"})
  void sentenceTransformersFoldersAreSentenceEmbeddings(String architecture) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"" + architecture + "\"]}");
    Files.writeString(dir.resolve("modules.json"), "[]");
    assertEquals(
        "sentence-embeddings", TaskInference.infer(ModelFolder.open(dir), Optional.empty()));
  }

  @ParameterizedTest
  @CsvSource({"SomethingUnheardOf"})
  void unknownArchitecturesAskForHfTask(String architecture) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"" + architecture + "\"]}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TaskInference.infer(ModelFolder.open(dir), Optional.empty()));
    assertTrue(e.getMessage().contains("SomethingUnheardOf"), e.getMessage());
    assertTrue(e.getMessage().contains("HF_TASK"), e.getMessage());
    assertEquals(
        "fill-mask",
        TaskInference.infer(ModelFolder.open(dir), Optional.of("fill-mask")),
        "the Hub's pipeline_tag is the last resort");
  }

  @ParameterizedTest
  @CsvSource({
    "XLMRobertaModel, text-classification, text-classification",
    "BertForMaskedLM, zero-shot-classification, fill-mask",
    "BertModel, sentence-similarity, sentence-embeddings",
    "Dinov2Model, image-classification, image-classification",
    "SomeVisionModel, zero-shot-image-classification, zero-shot-image-classification",
    "BartForConditionalGeneration, summarization, summarization",
    "MarianMTModel, translation, translation",
    "T5ForConditionalGeneration, translation_en_to_de, translation_en_to_de",
    "T5ForConditionalGeneration, text-generation, text2text-generation",
    "LlamaForCausalLM, summarization, text-generation",
  })
  void thePipelineTagDecidesWhereOnlyABareEncoderOrAText2TextHeadWould(
      String architecture, String tag, String task) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"architectures\":[\"" + architecture + "\"]}");
    assertEquals(task, TaskInference.infer(ModelFolder.open(dir), Optional.of(tag)));
  }

  @ParameterizedTest
  @CsvSource({
    "sentiment-analysis, text-classification, text-classification",
    "NER, token-classification, token-classification",
    "' Feature-Extraction ', feature-extraction, feature-extraction",
    "translation_en_to_fr, translation_en_to_fr, translation",
    "translation, translation, translation",
  })
  void readsTaskNamesAsTransformersDoes(String name, String canonical, String family) {
    assertEquals(canonical, TaskInference.canonical(name));
    assertEquals(family, TaskInference.family(TaskInference.canonical(name)));
  }

  @Test
  void aliasesReachTheirTask() {
    assertEquals(Tasks.factory("text-classification"), Tasks.factory(" Sentiment-Analysis"));
    assertEquals(Tasks.factory("token-classification"), Tasks.factory("NER"));
    // By name, sentence-similarity is its own task; only the Hub's tag means embeddings.
    assertNotEquals(Tasks.factory("sentence-embeddings"), Tasks.factory("sentence-similarity"));
  }
}
