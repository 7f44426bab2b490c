package ai.hubbatch.serve;

import static ai.hubbatch.serve.ServeFixture.REFERENCE;
import static ai.hubbatch.serve.ServeFixture.errorBody;
import static ai.hubbatch.serve.ServeFixture.get;
import static ai.hubbatch.serve.ServeFixture.invoke;
import static ai.hubbatch.serve.ServeFixture.json;
import static ai.hubbatch.serve.ServeFixture.maxDifference;
import static ai.hubbatch.serve.ServeFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.codec.MediaType;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.SharedModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /ping}, {@code /invocations} and {@code /execution-parameters} over real HTTP against a
 * running server with the default model: the toolkit's Content-Type and Accept tables, the spec's
 * wire vectors, JSON Lines, and the error bodies byte for byte.
 */
class InvocationsHttpTest {

  private static final String UNSUPPORTED =
      "Content type %s is not supported by this framework.\\n"
          + "\\n"
          + "            Please implement input_fn to to deserialize the request data or an"
          + " output_fn to\\n"
          + "            serialize the response. For more information, see the SageMaker Python SDK"
          + " README.";
  private static final String NOT_TEXT =
      "sentence-embeddings expects \\\"inputs\\\" to be a " + "string or a list of strings, got ";

  private static InferenceServer server;
  private static InferenceServer features;

  @BeforeAll
  static void start() throws Exception {
    server =
        ServeFixture.start(
            ServeFixture.defaultModel(),
            ServeFixture.settings()
                .withMaxRequestBytes(64 * 1024)
                .withQueueSize(100)
                .withMaxConcurrent(4));
    features =
        ServeFixture.start(
            SharedModels.get(ModelSpec.defaults().withTask("feature-extraction")),
            ServeFixture.settings());
  }

  @AfterAll
  static void stop() {
    server.close();
    features.close();
  }

  private static String unsupported(String type) {
    return errorBody(400, "InternalServerException", String.format(UNSUPPORTED, type));
  }

  @Test
  void pingAnswersAsTheModelServer() throws Exception {
    HttpResponse<byte[]> ping = get(server, "/ping");
    assertEquals(200, ping.statusCode());
    assertEquals("application/json", ping.headers().firstValue("content-type").orElseThrow());
    assertEquals("{\n  \"status\": \"Healthy\"\n}\n", text(ping));
  }

  @Test
  void executionParametersOfferMultiRecordWithinSageMakersLimits() throws Exception {
    HttpResponse<byte[]> parameters = get(server, "/execution-parameters");
    assertEquals(200, parameters.statusCode());
    // 64 KiB rounds up to SageMaker's smallest payload, 1 MB.
    assertEquals(
        "{\"MaxConcurrentTransforms\":4,\"BatchStrategy\":\"MULTI_RECORD\","
            + "\"MaxPayloadInMB\":1}",
        text(parameters));
    assertEquals(
        "{\"MaxConcurrentTransforms\":16,\"BatchStrategy\":\"MULTI_RECORD\","
            + "\"MaxPayloadInMB\":6}",
        text(get(features, "/execution-parameters")));
  }

  @Test
  void embedsOneRequestAsCompactJsonWithTheReferenceValues() throws Exception {
    HttpResponse<byte[]> response =
        invoke(server, "application/json", "application/json", "{\"inputs\":\"This is a test.\"}");
    assertEquals(200, response.statusCode(), text(response));
    assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
    String body = text(response);
    assertTrue(body.startsWith("{\"embeddings\":[0.0335"), body);
    assertFalse(body.contains(" ") || body.endsWith("\n"), "compact, no newline");
    JsonNode vector = json(response).get("embeddings");
    assertEquals(384, vector.size());
    for (int i = 0; i < REFERENCE.length; i++) {
      assertEquals(REFERENCE[i], vector.get(i).doubleValue(), 1e-4);
    }
  }

  @Test
  void acceptDefaultsToJsonAndTheResponseTypeIsTheAcceptSent() throws Exception {
    String request = "{\"inputs\":[\"This is a test.\",\"Another one\"]}";
    HttpResponse<byte[]> none = invoke(server, "application/json", null, request);
    HttpResponse<byte[]> any = invoke(server, "application/json", "*/*", request);
    HttpResponse<byte[]> lines =
        invoke(server, "application/json", "application/jsonlines", request);
    assertEquals("application/json", none.headers().firstValue("content-type").orElseThrow());
    assertEquals("application/json", any.headers().firstValue("content-type").orElseThrow());
    assertEquals("application/jsonlines", lines.headers().firstValue("content-type").orElseThrow());
    assertEquals(2, json(none).get("embeddings").size());
    assertTrue(maxDifference(json(none), json(any)) < 1e-6);
    assertTrue(maxDifference(json(none), json(lines)) < 1e-6);
  }

  @Test
  void charsetParametersAreAccepted() throws Exception {
    HttpResponse<byte[]> utf8 =
        invoke(
            server,
            "application/json; charset=utf-8",
            "application/json",
            "{\"inputs\":\"This is a test.\"}");
    assertEquals(200, utf8.statusCode(), text(utf8));
    byte[] latin1 = "{\"inputs\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<byte[]> declared =
        invoke(server, "application/json;charset=ISO-8859-1", null, latin1);
    HttpResponse<byte[]> asUtf8 =
        invoke(server, "application/json", null, "{\"inputs\":\"caf\u00e9\"}");
    assertTrue(maxDifference(json(declared), json(asUtf8)) < 1e-6);
    HttpResponse<byte[]> wrong = invoke(server, "application/json", null, latin1);
    assertEquals(400, wrong.statusCode());
    assertEquals(
        errorBody(
            400,
            "InternalServerException",
            "\\u0027utf-8\\u0027 codec can\\u0027t decode byte 0xe9 in position 14"),
        text(wrong));
  }

  @Test
  void unsupportedContentTypesGetTheToolkitsErrorByteForByte() throws Exception {
    for (String type :
        List.of(
            "text/plain",
            "image/jpg",
            "audio/wav",
            "audio/flac",
            "application/octet-stream",
            "application/x-npy")) {
      HttpResponse<byte[]> response = invoke(server, type, null, "{\"inputs\":\"a\"}");
      assertEquals(400, response.statusCode(), type);
      assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
      assertEquals(unsupported(type), text(response), type);
    }
    HttpResponse<byte[]> missing = invoke(server, null, null, "{\"inputs\":\"a\"}");
    assertEquals(unsupported("None"), text(missing));
  }

  @Test
  void unsupportedAcceptGetsTheSameError() throws Exception {
    for (String accept :
        List.of("image/png", "application/x-npy", "application/json, text/plain")) {
      HttpResponse<byte[]> response =
          invoke(server, "application/json", accept, "{\"inputs\":\"a\"}");
      assertEquals(400, response.statusCode(), accept);
      assertEquals(unsupported(accept), text(response), accept);
    }
  }

  @Test
  void imageAndAudioBodiesReachTheTaskAsMedia() throws Exception {
    for (String type : MediaType.types(MediaType.Format.IMAGE, MediaType.Format.AUDIO)) {
      HttpResponse<byte[]> response =
          invoke(server, type, null, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
      // A text task refuses the bytes by their shape: the decoder passed them as the inputs.
      assertEquals(
          errorBody(400, "InternalServerException", NOT_TEXT + "binary"), text(response), type);
    }
  }

  @Test
  void csvWithAnInputsColumnEmbedsEachRow() throws Exception {
    HttpResponse<byte[]> csv =
        invoke(
            server,
            "text/csv",
            "application/json",
            "inputs\r\nThis is a test.\r\n\"Quoted, with a comma\"\r\n");
    assertEquals(200, csv.statusCode(), text(csv));
    HttpResponse<byte[]> same =
        invoke(
            server,
            "application/json",
            null,
            "{\"inputs\":[\"This is a test.\",\"Quoted, with a comma\"]}");
    assertTrue(maxDifference(json(csv), json(same)) < 1e-6);
  }

  @Test
  void csvWithoutAHeaderGetsTheToolkitsMessage() throws Exception {
    HttpResponse<byte[]> response = invoke(server, "text/csv", null, "hello,world\r\n");
    assertEquals(
        errorBody(
            400,
            "InternalServerException",
            "You need to provide the correct CSV with Header columns to use it with the inference"
                + " toolkit default handler. : 400"),
        text(response));
    // F3's question-answering body decodes to a list of objects, which this task refuses.
    HttpResponse<byte[]> qa =
        invoke(
            server,
            "text/csv",
            "text/csv",
            "question,context\r\nwhere do i live?,My name is Philipp and I live in Nuremberg\r\n");
    assertEquals(400, qa.statusCode());
    assertTrue(text(qa).contains("inputs[0] is an object with keys question, context"), text(qa));
  }

  @Test
  void csvResponsesAreWrittenAsPythonsDictWriter() throws Exception {
    HttpResponse<byte[]> response =
        invoke(server, "application/json", "text/csv", "{\"inputs\":\"This is a test.\"}");
    assertEquals(200, response.statusCode(), text(response));
    assertEquals("text/csv", response.headers().firstValue("content-type").orElseThrow());
    String body = text(response);
    assertTrue(body.startsWith("embeddings\r\n\"[0.0335"), body);
    assertTrue(body.endsWith("]\"\r\n"), body);
  }

  @Test
  void featureExtractionAnswersTokenLevelStates() throws Exception {
    HttpResponse<byte[]> one =
        invoke(features, "application/json", null, "{\"inputs\":\"This is a test.\"}");
    JsonNode states = json(one);
    assertEquals(1, states.size());
    assertEquals(7, states.get(0).size(), "[CLS] this is a test . [SEP]");
    assertEquals(384, states.get(0).get(0).size());
    JsonNode two =
        json(
            invoke(
                features, "application/json", null, "{\"inputs\":[\"This is a test.\",\"Hi\"]}"));
    assertEquals(2, two.size());
    assertTrue(maxDifference(two.get(0), states) < 1e-5);
    assertEquals(3, two.get(1).get(0).size());
  }

  @Test
  void multiRecordJsonLinesAnswerOneLinePerRecord() throws Exception {
    String body =
        "{\"inputs\":\"This is a test.\"}\n"
            + "not json\n"
            + "\n"
            + "{\"inputs\":[\"a\",\"b\"]}\r\n"
            + "{\"inputs\":42}\n";
    for (String type : List.of("application/json", "application/jsonlines")) {
      HttpResponse<byte[]> response = invoke(server, type, null, body);
      assertEquals(200, response.statusCode(), text(response));
      String[] lines = text(response).split("\n", -1);
      assertEquals(4, lines.length, "one line per record, none after the last");
      assertTrue(
          maxDifference(
                  json(lines[0]),
                  json(
                      invoke(server, "application/json", null, "{\"inputs\":\"This is a test.\"}")))
              < 1e-5);
      assertEquals(2, json(lines[1]).get("line").asInt());
      assertTrue(json(lines[1]).get("error").asText().startsWith("Not valid JSON"), lines[1]);
      assertEquals(2, json(lines[2]).get("embeddings").size());
      assertEquals(
          "{\"error\":\"sentence-embeddings expects \\\"inputs\\\" to be a string or a "
              + "list of strings, got a number\",\"line\":5}",
          lines[3]);
    }
    HttpResponse<byte[]> oneLine =
        invoke(server, "application/jsonlines", null, "{\"inputs\":\"a\"}");
    assertEquals(1, text(oneLine).split("\n", -1).length);
    HttpResponse<byte[]> csv = invoke(server, "application/jsonlines", "text/csv", body);
    assertEquals(400, csv.statusCode());
  }

  @Test
  void aPrettyPrintedRequestIsOneRequest() throws Exception {
    HttpResponse<byte[]> response =
        invoke(server, "application/json", null, "{\n  \"inputs\": \"This is a test.\"\n}\n");
    assertEquals(200, response.statusCode(), text(response));
    assertEquals(384, json(response).get("embeddings").size());
  }

  @Test
  void badRequestsGetFourHundredAndNeverHurtTheServer() throws Exception {
    HttpResponse<byte[]> malformed = invoke(server, "application/json", null, "{\"inputs\":");
    assertEquals(400, malformed.statusCode());
    assertTrue(
        text(malformed)
            .startsWith(
                "{\n"
                    + "  \"code\": 400,\n"
                    + "  \"type\": \"InternalServerException\",\n"
                    + "  \"message\": \"Not valid JSON: "),
        text(malformed));
    assertTrue(text(malformed).endsWith("\"\n}\n"));
    HttpResponse<byte[]> shape = invoke(server, "application/json", null, "{\"inputs\":5}");
    assertEquals(errorBody(400, "InternalServerException", NOT_TEXT + "a number"), text(shape));
    HttpResponse<byte[]> twoValues =
        invoke(server, "application/json", null, "{\"inputs\":\"a\"} {\"inputs\":\"b\"}");
    assertEquals(400, twoValues.statusCode());
    HttpResponse<byte[]> empty = invoke(server, "application/json", null, "");
    assertEquals(400, empty.statusCode());
    assertEquals(200, get(server, "/ping").statusCode());
  }

  @Test
  void errorMessagesAreHtmlEscapedAsGsonDoes() throws Exception {
    HttpResponse<byte[]> response =
        invoke(server, "application/json", null, "{\"inputs\":{\"a<b>=c'&\":1}}");
    assertEquals(
        errorBody(
            400,
            "InternalServerException",
            NOT_TEXT + "an object with keys a\\u003cb\\u003e\\u003dc\\u0027\\u0026"),
        text(response));
  }

  @Test
  void largerBodiesGet413AndTheServerCarriesOn() throws Exception {
    String big = "{\"inputs\":\"" + "word ".repeat(20_000) + "\"}";
    HttpResponse<byte[]> response = invoke(server, "application/json", null, big);
    assertEquals(413, response.statusCode());
    assertEquals(200, invoke(server, "application/json", null, "{\"inputs\":\"a\"}").statusCode());
  }

  @Test
  void unknownPathsAndMethodsGetTheModelServersErrors() throws Exception {
    HttpResponse<byte[]> missing = get(server, "/models");
    assertEquals(404, missing.statusCode());
    assertEquals(
        errorBody(
            404,
            "ResourceNotFoundException",
            "Requested resource is not found, please refer to API document."),
        text(missing));
    HttpResponse<byte[]> method = get(server, "/invocations");
    assertEquals(405, method.statusCode());
    assertEquals(
        errorBody(
            405,
            "MethodNotAllowedException",
            "Requested method is not allowed, please refer to API document."),
        text(method));
    HttpResponse<byte[]> query =
        ServeFixture.CLIENT.send(
            HttpRequest.newBuilder(ServeFixture.uri(server, "/ping?x=1")).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, query.statusCode());
  }
}
