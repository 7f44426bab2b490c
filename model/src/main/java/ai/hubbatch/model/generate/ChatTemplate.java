package ai.hubbatch.model.generate;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.JsonShapes;
import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import jinjava.javax.el.CompositeELResolver;

/**
 * A model's chat template: the Jinja template of its {@code tokenizer_config.json} (or {@code
 * chat_template.jinja}) rendered as transformers' {@code apply_chat_template} renders it, with
 * Jinjava.
 *
 * <p>The template sees what transformers gives it: {@code messages}, {@code add_generation_prompt}
 * and the tokenizer's special tokens ({@code bos_token}, {@code eos_token}, ...); blocks are
 * trimmed as transformers' Jinja environment trims them ({@code trim_blocks}, {@code
 * lstrip_blocks}). What Hub templates use beyond Jinjava's Jinja is registered here: {@code
 * raise_exception(message)} (an {@link InvalidRequestException} with the template's message),
 * {@code strftime_now(format)}, a {@code tojson} with Python's spacing, and Python's string methods
 * ({@link PythonStrings}).
 *
 * <p>Messages are checked before rendering: a list of objects with a {@code role} among {@link
 * #ROLES} and a string {@code content}; anything else is an {@link InvalidRequestException} naming
 * the message. Thread-safe: Jinjava renders concurrently.
 */
public final class ChatTemplate {

  /** The roles a message may have. */
  public static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  private static final List<String> SPECIAL_TOKENS =
      List.of(
          "bos_token",
          "eos_token",
          "unk_token",
          "sep_token",
          "pad_token",
          "cls_token",
          "mask_token");

  private static final Jinjava JINJAVA = jinjava();

  private final String template;
  private final Map<String, String> specialTokens;

  private ChatTemplate(String template, Map<String, String> specialTokens) {
    this.template = template;
    this.specialTokens = Map.copyOf(specialTokens);
  }

  /**
   * The template of a model folder: {@code chat_template.jinja}, else {@code chat_template.json},
   * else {@code tokenizer_config.json}'s {@code chat_template}; empty when it has none.
   */
  public static Optional<ChatTemplate> of(ModelFolder folder) {
    JsonNode tokenizerConfig = folder.json("tokenizer_config.json");
    Optional<Path> jinja = folder.file("chat_template.jinja");
    if (jinja.isPresent()) {
      try {
        return Optional.of(
            new ChatTemplate(Files.readString(jinja.get()), tokens(tokenizerConfig)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (folder.file("chat_template.json").isPresent()) {
      JsonNode json = folder.json("chat_template.json");
      return of(tokenizerConfig, json.path("chat_template"));
    }
    return of(tokenizerConfig, tokenizerConfig.path("chat_template"));
  }

  /**
   * The template of a model folder, required: messages were sent.
   *
   * @throws InvalidRequestException when the model has no chat template
   */
  public static ChatTemplate required(ModelFolder folder) {
    return of(folder)
        .orElseThrow(
            () ->
                new InvalidRequestException(
                    "The model "
                        + folder.displayName()
                        + " has no chat template (no chat_template in tokenizer_config.json, no"
                        + " chat_template.jinja), so it cannot take a list of messages; send the"
                        + " prompt as text"));
  }

  /**
   * The template in a {@code tokenizer_config.json}: a string, or a list of named templates of
   * which the one named {@code default} is used; empty when there is none.
   *
   * @throws IllegalArgumentException when the templates are named but none is "default"
   */
  public static Optional<ChatTemplate> of(JsonNode tokenizerConfig) {
    return of(tokenizerConfig, tokenizerConfig.path("chat_template"));
  }

  private static Optional<ChatTemplate> of(JsonNode tokenizerConfig, JsonNode template) {
    if (template.isTextual()) {
      return Optional.of(new ChatTemplate(template.asText(), tokens(tokenizerConfig)));
    }
    if (template.isArray()) {
      for (JsonNode named : template) {
        if (named.path("name").asText().equals("default")) {
          return Optional.of(
              new ChatTemplate(named.path("template").asText(), tokens(tokenizerConfig)));
        }
      }
      throw new IllegalArgumentException(
          "The model has several chat templates and none named \"default\"");
    }
    return Optional.empty();
  }

  /** A template with the special tokens given (bos_token, eos_token, ...). */
  public static ChatTemplate of(String template, Map<String, String> specialTokens) {
    return new ChatTemplate(template, specialTokens);
  }

  /** The special tokens of a tokenizer_config.json: strings or {"content": ...} objects. */
  private static Map<String, String> tokens(JsonNode tokenizerConfig) {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String name : SPECIAL_TOKENS) {
      JsonNode value = tokenizerConfig.path(name);
      String token = value.isTextual() ? value.asText() : value.path("content").asText(null);
      if (token != null) {
        tokens.put(name, token);
      }
    }
    return tokens;
  }

  public String template() {
    return template;
  }

  /**
   * Renders a conversation.
   *
   * @param messages a JSON list of {"role": ..., "content": ...}
   * @param addGenerationPrompt whether to end with the prompt of an assistant turn
   * @throws InvalidRequestException for a message that is not an object with a known role and a
   *     string content, or when the template raises an exception (its message is kept)
   */
  public String render(JsonNode messages, boolean addGenerationPrompt) {
    Map<String, Object> context = new LinkedHashMap<>(specialTokens);
    context.put("messages", messages(messages));
    context.put("add_generation_prompt", addGenerationPrompt);
    RenderResult result;
    try {
      result = JINJAVA.renderForResult(template, context);
    } catch (RaisedException e) {
      throw new InvalidRequestException(
          "The chat template refused the messages: " + e.getMessage());
    }
    for (TemplateError error : result.getErrors()) {
      RaisedException raised = raised(error.getException());
      if (raised != null) {
        throw new InvalidRequestException(
            "The chat template refused the messages: " + raised.getMessage());
      }
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw new IllegalArgumentException(
            "The chat template failed at line " + error.getLineno() + ": " + error.getMessage());
      }
    }
    return result.getOutput();
  }

  private static RaisedException raised(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RaisedException r) {
        return r;
      }
    }
    return null;
  }

  private static List<Map<String, Object>> messages(JsonNode messages) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new InvalidRequestException(
          "A conversation must be a non-empty list of messages, got "
              + JsonShapes.describe(messages));
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String where = "Message " + (i + 1) + " of the conversation";
      if (!message.isObject()) {
        throw new InvalidRequestException(
            where
                + " must be an object with \"role\" and \"content\", got "
                + JsonShapes.describe(message));
      }
      JsonNode role = message.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
        throw new InvalidRequestException(
            where
                + " has the role "
                + (role == null
                    ? "nothing"
                    : role.isTextual() ? "\"" + role.asText() + "\"" : JsonShapes.describe(role))
                + "; a role is one of "
                + new TreeSet<>(ROLES));
      }
      JsonNode content = message.get("content");
      if (content == null || !content.isTextual()) {
        throw new InvalidRequestException(
            where + ": \"content\" must be a string, got " + JsonShapes.describe(content));
      }
      Map<String, Object> map = new LinkedHashMap<>();
      message.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
      out.add(map);
    }
    return out;
  }

  /** A JSON value as the maps, lists and scalars Jinja sees. */
  private static Object plain(JsonNode node) {
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(plain(item)));
      return list;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    return null;
  }

  private static Jinjava jinjava() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonStrings());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
    Jinjava jinjava =
        new Jinjava(
            JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .build());
    jinjava
        .getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    jinjava
        .getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition(
                "", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
    jinjava.getGlobalContext().registerFilter(new PythonJson());
    return jinjava;
  }

  /** The template's {@code raise_exception}: stops rendering with the template's message. */
  public static String raiseException(String message) {
    throw new RaisedException(message);
  }

  /** The template's {@code strftime_now}: the current time in Python's strftime format. */
  public static String strftimeNow(String format) {
    ZonedDateTime now = ZonedDateTime.now();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char code = format.charAt(++i);
      String pattern =
          switch (code) {
            case 'd' -> "dd";
            case 'm' -> "MM";
            case 'Y' -> "yyyy";
            case 'y' -> "yy";
            case 'b' -> "MMM";
            case 'B' -> "MMMM";
            case 'a' -> "EEE";
            case 'A' -> "EEEE";
            case 'H' -> "HH";
            case 'M' -> "mm";
            case 'S' -> "ss";
            default -> null;
          };
      out.append(
          pattern == null
              ? (code == '%' ? "%" : "%" + code)
              : now.format(DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)));
    }
    return out.toString();
  }

  /** What raise_exception throws; carries the template's own message. */
  private static final class RaisedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RaisedException(String message) {
      super(message);
    }
  }
}
