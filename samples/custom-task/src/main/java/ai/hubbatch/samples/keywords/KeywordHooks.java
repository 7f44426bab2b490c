package ai.hubbatch.samples.keywords;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.task.TaskHooks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Keyword tagging around a text classifier, with parameters of its own:
 *
 * <pre>{@code
 * {"inputs": "I love this movie!", "parameters": {"keywords": ["movie", "plot"]}}
 *   -> {"labels": [{"label": "POSITIVE", "score": 0.99}], "keywords": ["movie"]}
 * }</pre>
 *
 * <p>{@code keywords} lists words to look for; {@code keywords} in the response lists those the
 * text contains as whole words, ignoring case, in the order asked. The input hook takes the
 * parameter out, so the classifier, which accepts only its own, never sees it; the output hook
 * reads it from the request as it came. Inputs are one text.
 */
final class KeywordHooks implements TaskHooks {

  private static final String KEYWORDS = "keywords";

  @Override
  public InferenceRequest input(InferenceRequest request) {
    keywords(request); // checked here, so a bad record fails before the model runs
    ObjectNode parameters = request.parameters().deepCopy();
    parameters.remove(KEYWORDS);
    return new InferenceRequest(request.inputs(), parameters);
  }

  @Override
  public JsonNode output(InferenceRequest request, JsonNode response) {
    String text = " " + words(request.inputs().asText()) + " ";
    ArrayNode found = JsonNodeFactory.instance.arrayNode();
    for (JsonNode keyword : keywords(request)) {
      if (text.contains(" " + words(keyword.asText()) + " ")) {
        found.add(keyword.asText());
      }
    }
    ObjectNode tagged = JsonNodeFactory.instance.objectNode();
    tagged.set("labels", response);
    tagged.set(KEYWORDS, found);
    return tagged;
  }

  private static JsonNode keywords(InferenceRequest request) {
    if (!request.inputs().isTextual()) {
      throw new InvalidRequestException("keyword-tagging takes one text as \"inputs\"");
    }
    JsonNode keywords = request.parameters().path(KEYWORDS);
    if (keywords.isMissingNode()) {
      return JsonNodeFactory.instance.arrayNode();
    }
    if (!keywords.isArray()) {
      throw new InvalidRequestException("\"keywords\" must be a list of words");
    }
    for (JsonNode keyword : keywords) {
      if (!keyword.isTextual() || keyword.asText().isBlank()) {
        throw new InvalidRequestException("\"keywords\" must be a list of words, got " + keyword);
      }
    }
    return keywords;
  }

  /** The text in lower case, every run of non-letters and non-digits one space. */
  private static String words(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
  }
}
