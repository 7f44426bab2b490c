package ai.hubbatch.model.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hub chat templates (Llama-3, Zephyr, ChatML/Qwen2, Mistral, Gemma, DeepSeek-R1 and a template of
 * string methods) rendered by Jinjava equal transformers.js' {@code apply_chat_template} for the
 * same messages (generate/chat-templates.json, written by generation.mjs), errors included.
 */
class ChatTemplateTest {

  static JsonNode renderings() throws IOException {
    try (InputStream in =
        ChatTemplateTest.class.getResourceAsStream("/generate/chat-templates.json")) {
      return Json.MAPPER.readTree(in);
    }
  }

  static Stream<Arguments> cases() throws IOException {
    JsonNode all = renderings();
    List<Arguments> cases = new ArrayList<>();
    all.get("templates")
        .fields()
        .forEachRemaining(
            template -> {
              for (JsonNode c : template.getValue().get("cases")) {
                cases.add(
                    Arguments.of(
                        template.getKey(),
                        c.get("messages").asText(),
                        c.get("add_generation_prompt").asBoolean(),
                        template.getValue(),
                        all.get("messages").get(c.get("messages").asText()),
                        c));
              }
            });
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} add_generation_prompt={2}")
  @MethodSource("cases")
  void rendersAsTransformersJs(
      String name,
      String messagesName,
      boolean addGenerationPrompt,
      JsonNode template,
      JsonNode messages,
      JsonNode expected) {
    Map<String, String> tokens = new LinkedHashMap<>();
    template
        .get("special_tokens")
        .fields()
        .forEachRemaining(e -> tokens.put(e.getKey(), e.getValue().asText()));
    ChatTemplate chat = ChatTemplate.of(template.get("template").asText(), tokens);
    if (expected.has("error")) {
      InvalidRequestException e =
          assertThrows(
              InvalidRequestException.class, () -> chat.render(messages, addGenerationPrompt));
      assertTrue(
          e.getMessage().contains(expected.get("error").asText()),
          e.getMessage() + " should contain " + expected.get("error").asText());
    } else {
      assertEquals(expected.get("rendered").asText(), chat.render(messages, addGenerationPrompt));
    }
  }

  @Test
  void tinyLlamaTemplateFromItsTokenizerConfig() {
    ChatTemplate chat =
        ChatTemplate.of(ModelFolder.open(TinyModels.folder("tiny-llama"))).orElseThrow();
    JsonNode expected = TinyModels.expected("tiny-llama");
    for (JsonNode c : expected.get("chat")) {
      assertEquals(c.get("rendered_prompt").asText(), chat.render(c.get("messages"), true));
    }
    JsonNode error = expected.get("chat_error");
    InvalidRequestException e =
        assertThrows(
            InvalidRequestException.class, () -> chat.render(error.get("messages"), false));
    assertTrue(e.getMessage().contains("Unknown role"), e.getMessage());
  }

  @Test
  void badMessagesAreNamed() throws IOException {
    ChatTemplate chat = ChatTemplate.of("{{ messages[0]['content'] }}", Map.of());
    assertEquals(
        "Message 2 of the conversation has the role \"robot\"; a role is one of"
            + " [assistant, system, tool, user]",
        assertThrows(
                InvalidRequestException.class,
                () ->
                    chat.render(
                        Json.MAPPER.readTree(
                            "[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"robot\",\"content\":\"b\"}]"),
                        true))
            .getMessage());
    assertEquals(
        "Message 1 of the conversation: \"content\" must be a string, got a list of 1",
        assertThrows(
                InvalidRequestException.class,
                () ->
                    chat.render(
                        Json.MAPPER.readTree("[{\"role\":\"user\",\"content\":[\"a\"]}]"), true))
            .getMessage());
    assertThrows(
        InvalidRequestException.class, () -> chat.render(Json.MAPPER.readTree("[]"), true));
  }

  @Test
  void modelsWithoutTemplateHaveNone() {
    ModelFolder gpt2 = ModelFolder.open(TinyModels.folder("tiny-gpt2"));
    assertTrue(ChatTemplate.of(gpt2).isEmpty());
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> ChatTemplate.required(gpt2));
    assertTrue(e.getMessage().contains("has no chat template"), e.getMessage());
  }
}
