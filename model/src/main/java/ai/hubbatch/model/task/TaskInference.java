package ai.hubbatch.model.task;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Infers a model's task from its files when {@code HF_TASK} is not set, as the Inference Toolkit
 * does from {@code config.json}'s {@code architectures}, but right where the toolkit is wrong:
 * Tapas is table question answering, vision and audio heads map to their tasks,
 * sentence-transformers folders are sentence embeddings, and the Hub's {@code pipeline_tag} decides
 * where a bare encoder's architecture does not. Also reads task names as transformers does, aliases
 * included.
 */
public final class TaskInference {

  /** Architecture name suffixes, checked in order: the first match wins. */
  private static final Map<String, String> SUFFIXES = new LinkedHashMap<>();

  static {
    SUFFIXES.put("TapasForQuestionAnswering", "table-question-answering");
    SUFFIXES.put("ViltForQuestionAnswering", "visual-question-answering");
    SUFFIXES.put("ForVisualQuestionAnswering", "visual-question-answering");
    SUFFIXES.put("WhisperForConditionalGeneration", "automatic-speech-recognition");
    SUFFIXES.put("ForSpeechSeq2Seq", "automatic-speech-recognition");
    SUFFIXES.put("ForCTC", "automatic-speech-recognition");
    SUFFIXES.put("ForAudioClassification", "audio-classification");
    // transformers' audio classifiers named as sequence classifiers: their input is samples
    for (String audio :
        List.of(
            "Wav2Vec2",
            "Wav2Vec2Conformer",
            "Wav2Vec2Bert",
            "Hubert",
            "WavLM",
            "Data2VecAudio",
            "UniSpeech",
            "UniSpeechSat",
            "SEW",
            "SEWD")) {
      SUFFIXES.put(audio + "ForSequenceClassification", "audio-classification");
    }
    SUFFIXES.put("ForImageClassification", "image-classification");
    SUFFIXES.put("ForImageClassificationWithTeacher", "image-classification");
    SUFFIXES.put("ForObjectDetection", "object-detection");
    SUFFIXES.put("ForSemanticSegmentation", "image-segmentation");
    SUFFIXES.put("ForImageSegmentation", "image-segmentation");
    SUFFIXES.put("ForInstanceSegmentation", "image-segmentation");
    SUFFIXES.put("ForUniversalSegmentation", "image-segmentation");
    SUFFIXES.put("ForZeroShotImageClassification", "zero-shot-image-classification");
    SUFFIXES.put("CLIPModel", "zero-shot-image-classification");
    SUFFIXES.put("SiglipModel", "zero-shot-image-classification");
    SUFFIXES.put("ForQuestionAnswering", "question-answering");
    SUFFIXES.put("ForTokenClassification", "token-classification");
    SUFFIXES.put("ForSequenceClassification", "text-classification");
    SUFFIXES.put("ForMultipleChoice", "multiple-choice");
    SUFFIXES.put("ForMaskedLM", "fill-mask");
    SUFFIXES.put("ForCausalLM", "text-generation");
    SUFFIXES.put("LMHeadModel", "text-generation");
    SUFFIXES.put("ForConditionalGeneration", "text2text-generation");
    SUFFIXES.put("MTModel", "text2text-generation");
    SUFFIXES.put("EncoderDecoderModel", "text2text-generation");
    SUFFIXES.put("T5WithLMHeadModel", "text2text-generation");
  }

  private static final String TEXT2TEXT = "text2text-generation";

  /** Tags that say what an encoder-decoder's text2text head does. */
  private static final Set<String> SEQ2SEQ_TAGS = Set.of("summarization", "translation");

  /** A bare encoder (BertModel, XLMRobertaModel): its output is the features themselves. */
  private static final String BARE_ENCODER = "Model";

  /** transformers' task aliases. */
  private static final Map<String, String> ALIASES =
      Map.of(
          "sentiment-analysis", "text-classification",
          "ner", "token-classification",
          "vqa", "visual-question-answering",
          "text-to-speech", "text-to-audio");

  /**
   * The Hub tags sentence-transformers models {@code sentence-similarity}; a batch job over such a
   * model wants their embeddings. Asked for by name, sentence-similarity is its own task.
   */
  private static final Map<String, String> PIPELINE_TAGS =
      Map.of("sentence-similarity", SentenceEmbeddingsTask.NAME);

  /** transformers' parametrized translation task: {@code translation_en_to_fr}. */
  private static final Pattern TRANSLATION =
      Pattern.compile("translation_[a-z]{2,3}_to_[a-z]{2,3}");

  private TaskInference() {}

  /**
   * The task for a folder: sentence-transformers files first, then the first architecture's head
   * (as the Inference Toolkit reads it, so toolkit users get the same task), then the Hub's {@code
   * pipeline_tag} when the caller has one, then a bare encoder's feature extraction. An
   * encoder-decoder's head says only text2text-generation; a {@code summarization} or {@code
   * translation} tag says which of the two it was trained for, and names its answers' key.
   *
   * @throws IllegalArgumentException naming the understood architectures and HF_TASK otherwise
   */
  public static String infer(ModelFolder folder, Optional<String> pipelineTag) {
    if (folder.file("modules.json").isPresent()) {
      return SentenceEmbeddingsTask.NAME;
    }
    JsonNode architectures = folder.config().path("architectures");
    String architecture = architectures.path(0).asText("");
    if (!architecture.isEmpty()) {
      for (Map.Entry<String, String> entry : SUFFIXES.entrySet()) {
        if (architecture.endsWith(entry.getKey())) {
          return refined(entry.getValue(), pipelineTag);
        }
      }
    }
    if (pipelineTag.isPresent() && !pipelineTag.get().isBlank()) {
      String tag = canonical(pipelineTag.get());
      return PIPELINE_TAGS.getOrDefault(tag, tag);
    }
    if (architecture.endsWith(BARE_ENCODER)) {
      return FeatureExtractionTask.NAME;
    }
    String found = architecture.isEmpty() ? "no architectures in config.json" : architecture;
    throw new ConfigurationException(
        "The task of "
            + folder.displayName()
            + " couldn't be inferred from "
            + found
            + ". hubbatch infers tasks from architectures ending with "
            + SUFFIXES.keySet()
            + " or "
            + BARE_ENCODER
            + " and from sentence-transformers' modules.json. Set HF_TASK (or --task) to "
            + "define the task.");
  }

  private static String refined(String task, Optional<String> pipelineTag) {
    if (task.equals(TEXT2TEXT) && pipelineTag.isPresent()) {
      String tag = canonical(pipelineTag.get());
      if (SEQ2SEQ_TAGS.contains(family(tag))) {
        return tag;
      }
    }
    return task;
  }

  /**
   * A task name as transformers reads it: trimmed, lower case, aliases resolved ({@code
   * sentiment-analysis} is {@code text-classification}, {@code ner} is {@code
   * token-classification}); {@code translation_xx_to_yy} stays, as it names the languages.
   */
  public static String canonical(String name) {
    String task = name.trim().toLowerCase(Locale.ROOT);
    return ALIASES.getOrDefault(task, task);
  }

  /** The task a canonical name belongs to: {@code translation} for {@code translation_en_to_fr}. */
  public static String family(String canonical) {
    return TRANSLATION.matcher(canonical).matches() ? "translation" : canonical;
  }
}
