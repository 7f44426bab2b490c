package ai.hubbatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.codec.Json;
import ai.hubbatch.serve.RequestDecoder.DecodedBody;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The decoders and encoders on their own, on the spec's vectors. */
class CodecTest {

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodesTheF3CsvRequestAsTheToolkit() throws Exception {
    DecodedBody body =
        RequestDecoder.decode(
            "text/csv",
            bytes(
                "question,context\r\n"
                    + "where do i live?,My name is Philipp and I live in Nuremberg\r\n"),
            "question-answering");
    assertFalse(body.multiRecord());
    assertEquals(
        "{\"inputs\":[{\"question\":\"where do i live?\",\"context\":\"My name is "
            + "Philipp and I live in Nuremberg\"}]}",
        Json.write(
            Json.MAPPER.valueToTree(
                java.util.Map.of("inputs", body.records().get(0).request().inputs()))));
  }

  @Test
  void csvRowsMayBeShortButNotLong() {
    DecodedBody body =
        RequestDecoder.decode(
            "text/csv", bytes("inputs,other\r\na\r\n\"b,\nc\",d\r\n"), "sentence-embeddings");
    assertEquals("[\"a\",\"b,\\nc\"]", Json.write(body.records().get(0).request().inputs()));
    DecodedBody blankLines =
        RequestDecoder.decode("text/csv", bytes("inputs\r\n\r\na\r\n\r\n"), "sentence-embeddings");
    assertEquals("[\"a\"]", Json.write(blankLines.records().get(0).request().inputs()));
    ServeException longRow =
        assertThrows(
            ServeException.class,
            () ->
                RequestDecoder.decode(
                    "text/csv", bytes("inputs\r\na,b\r\n"), "sentence-embeddings"));
    assertEquals("CSV row 1 has 2 fields but the header names 1", longRow.getMessage());
    ServeException broken =
        assertThrows(
            ServeException.class,
            () ->
                RequestDecoder.decode(
                    "text/csv", bytes("inputs\r\n\"open"), "sentence-embeddings"));
    assertTrue(broken.getMessage().startsWith("Not valid CSV"), broken.getMessage());
  }

  @Test
  void csvIsRefusedForTasksWhoseInputsARowCannotHold() {
    ServeException e =
        assertThrows(
            ServeException.class,
            () ->
                RequestDecoder.decode(
                    "text/csv", bytes("inputs\r\na\r\n"), "zero-shot-classification"));
    assertEquals(
        "content type text/csv not support with zero-shot-classification, use "
            + "different content_type : 400",
        e.getMessage());
  }

  @Test
  void encodesTheF3CsvResponseAsDictWriter() throws Exception {
    ResponseEncoder csv = ResponseEncoder.forAccept("text/csv");
    assertEquals(
        "answer,end,score,start\r\nNuremberg,42,0.99,33\r\n",
        new String(
            csv.encode(
                Json.MAPPER.readTree(
                    "[{\"answer\":\"Nuremberg\",\"end\":42,\"score\":0.99," + "\"start\":33}]")),
            StandardCharsets.UTF_8));
  }

  @Test
  void csvCellsAreQuotedAndPrintedAsPythonDoes() throws Exception {
    ResponseEncoder csv = ResponseEncoder.forAccept("text/csv");
    assertEquals(
        "label,score,box,flag,none\r\n"
            + "\"a,b\",1.5,\"{'xmin': 1, 'tags': ['x', \"\"it's\"\"]}\",True,\r\n"
            + "\"say \"\"hi\"\"\",2,,False,\r\n",
        new String(
            csv.encode(
                Json.MAPPER.readTree(
                    "[{\"label\":\"a,b\",\"score\":1.5,"
                        + "\"box\":{\"xmin\":1,\"tags\":[\"x\",\"it's\"]},\"flag\":true,\"none\":null},{\"label\":\"say"
                        + " \\\"hi\\\"\",\"score\":2,\"flag\":false}]")),
            StandardCharsets.UTF_8));
    ServeException extra =
        assertThrows(
            ServeException.class,
            () -> csv.encode(Json.MAPPER.readTree("[{\"a\":1},{\"a\":2,\"b\":3}]")));
    assertEquals(
        "label\r\n\"\"\r\nx\r\n",
        new String(
            csv.encode(Json.MAPPER.readTree("[{\"label\":null},{\"label\":\"x\"}]")),
            StandardCharsets.UTF_8),
        "a lone empty cell is quoted, as Python's csv writes it");
    assertEquals("dict contains fields not in fieldnames: 'b'", extra.getMessage());
    assertThrows(ServeException.class, () -> csv.encode(Json.MAPPER.readTree("[[1,2]]")));
  }

  @Test
  void jsonResponsesRefuseNaNAsTheToolkit() {
    ServeException nan =
        assertThrows(
            ServeException.class,
            () ->
                ResponseEncoder.forAccept(null)
                    .encode(Json.MAPPER.createArrayNode().add(Double.NaN)));
    assertEquals(400, nan.status());
    assertTrue(nan.getMessage().startsWith("Out of range float values are not JSON compliant"));
  }
}
