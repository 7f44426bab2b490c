package ai.hubbatch.pipeline.dataprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.SourceRecord;
import ai.hubbatch.io.SplitType;
import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The record flow around the model, on the spec's examples (B8, F5, F7). */
class RecordMappingTest {

  private static RecordMapping mapping(
      String contentType,
      String accept,
      SplitType split,
      String inputFilter,
      JoinSource join,
      String outputFilter) {
    return new RecordMapping(
        ContentType.parse(contentType),
        ContentType.parseAccept(accept),
        split,
        JsonPath.parse(inputFilter, "InputFilter"),
        JsonPath.parse(outputFilter, "OutputFilter"),
        join);
  }

  private static JsonNode json(String text) throws Exception {
    return Json.MAPPER.readTree(text);
  }

  private static String request(RecordMapping mapping, SourceRecord record) {
    InferenceRequest request = mapping.request(record);
    return request.inputs() + " " + request.parameters();
  }

  @Test
  void csvJoinOfSpecF7KeepsTheIdAndThePrediction() throws Exception {
    RecordMapping mapping =
        mapping("text/csv", "text/csv", SplitType.LINE, "$[1:]", JoinSource.INPUT, "$[0,-1]");
    SourceRecord row = SourceRecord.of(0, 1, "id7,some review text");
    // The model sees the text column, and the output row is the id and the prediction.
    assertEquals("\"some review text\" {}", request(mapping, row));
    assertEquals("id7,1", mapping.output(row, json("1")));
    // A list-of-dict response (text-classification) becomes the row's extra columns.
    assertEquals(
        "id7,0.98", mapping.output(row, json("[{\"label\":\"POSITIVE\",\"score\":0.98}]")));
    RecordMapping all =
        mapping("text/csv", "text/csv", SplitType.LINE, "$[1]", JoinSource.INPUT, "$");
    assertEquals(
        "id7,some review text,POSITIVE,0.98",
        all.output(row, json("[{\"label\":\"POSITIVE\",\"score\":0.98}]")));
  }

  @Test
  void csvRecordsWithAndWithoutAHeader() throws Exception {
    RecordMapping mapping =
        mapping("text/csv", "text/csv", SplitType.LINE, "$", JoinSource.NONE, "$");
    assertTrue(RecordMapping.isCsvHeader("id,inputs"));
    assertTrue(RecordMapping.isCsvHeader("question,context"));
    assertEquals(false, RecordMapping.isCsvHeader("7,\"some inputs, in context\""));
    assertEquals(
        "\"a, quoted \\\"text\\\"\" {}",
        request(
            mapping,
            SourceRecord.of(0, 2, "7,\"a, quoted \"\"text\"\"\"").withHeader("id,inputs")));
    assertEquals(
        "{\"question\":\"where?\",\"context\":\"here\"} {}",
        request(mapping, SourceRecord.of(0, 2, "where?,here").withHeader("question,context")));
    assertEquals("\"alone\" {}", request(mapping, SourceRecord.of(0, 1, "alone")));
    InvalidRequestException two =
        assertThrows(
            InvalidRequestException.class, () -> mapping.request(SourceRecord.of(0, 1, "7,text")));
    assertTrue(two.getMessage().contains("InputFilter such as $[1]"), two.getMessage());
    assertEquals(
        "0.1,\"a,b\",true",
        mapping.output(
            SourceRecord.of(0, 1, "x"),
            json("{\"embeddings\":[0.1],\"label\":\"a,b\",\"ok\":true}")));

    RecordMapping whole =
        mapping("text/csv", "application/json", SplitType.NONE, "$", JoinSource.NONE, "$");
    assertEquals(
        "[\"a\",\"b\"] {}",
        request(whole, SourceRecord.frame(0, 1, 0, "id,inputs\r\n1,a\r\n2,b\r\n")));
    // As csv.DictReader: empty lines are no rows, a short row's missing columns are null.
    assertEquals(
        "[\"a\",null,\"b\"] {}",
        request(whole, SourceRecord.frame(0, 1, 0, "id,inputs\r\n1,a\r\n\r\n2\r\n3,b\r\n\r\n")));
    InvalidRequestException longRow =
        assertThrows(
            InvalidRequestException.class,
            () -> whole.request(SourceRecord.frame(0, 1, 0, "id,inputs\r\n1,a\r\n2,b,c\r\n")));
    assertEquals("CSV row 2 has 3 fields but the header names 2", longRow.getMessage());
  }

  @Test
  void jsonJoinsOfSpecB8AndF5() throws Exception {
    RecordMapping join =
        mapping(
            "application/jsonlines",
            "application/jsonlines",
            SplitType.LINE,
            "$",
            JoinSource.INPUT,
            "$");
    // F5: the input object gets SageMakerOutput, keys in byte order.
    assertEquals(
        "{\"SageMakerOutput\":[{\"label\":\"POSITIVE\",\"score\":0.9}],\"inputs\":\"a\"}",
        join.output(
            SourceRecord.of(0, 1, "{\"inputs\":\"a\"}"),
            json("[{\"label\":\"POSITIVE\",\"score\":0.9}]")));
    // B8: a value that is not an object is wrapped.
    assertEquals(
        "{\"SageMakerInput\":\"a\",\"SageMakerOutput\":{\"label\":1}}",
        join.output(SourceRecord.of(0, 1, "\"a\""), json("{\"label\":1}")));
    // B8: InputFilter $.features, join, OutputFilter $['id','SageMakerOutput'].
    RecordMapping select =
        mapping(
            "application/json",
            "application/json",
            SplitType.LINE,
            "$.features",
            JoinSource.INPUT,
            "$['id','SageMakerOutput']");
    SourceRecord record =
        SourceRecord.of(
            0, 1, "{\"id\":\"r1\",\"features\":{\"inputs\":\"text\"},\"SageMakerOutput\":\"old\"}");
    assertEquals("\"text\" {}", request(select, record));
    assertEquals(
        "{\"id\":\"r1\",\"SageMakerOutput\":{\"embeddings\":[0.5]}}",
        select.output(record, json("{\"embeddings\":[0.5]}")));
  }

  @Test
  void refusesCombinationsThatCannotWorkAndMakesMediaRecordsMediaRequests() throws Exception {
    assertThrows(
        IllegalArgumentException.class,
        () -> mapping("text/csv", "application/json", SplitType.LINE, "$", JoinSource.INPUT, "$"));
    assertThrows(
        IllegalArgumentException.class,
        () -> mapping("text/csv", "text/csv", SplitType.NONE, "$[1]", JoinSource.NONE, "$"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            mapping(
                "application/jsonlines",
                "application/json",
                SplitType.NONE,
                "$",
                JoinSource.NONE,
                "$"));
    assertThrows(
        IllegalArgumentException.class,
        () -> mapping("image/jpeg", "application/json", SplitType.LINE, "$", JoinSource.NONE, "$"));
    assertThrows(IllegalArgumentException.class, () -> ContentType.parseAccept("image/png"));
    assertThrows(IllegalArgumentException.class, () -> ContentType.parse("text/plain"));
    assertEquals("application/json", ContentType.parse("Application/JSON; charset=utf-8").mime());

    RecordMapping images =
        mapping("image/jpeg", "application/json", SplitType.NONE, "$", JoinSource.NONE, "$");
    // A media record is the request serve makes of the same body: its bytes as the inputs.
    InferenceRequest media = images.request(SourceRecord.binary(0, 1, 0, new byte[] {1, 2}));
    assertArrayEquals(new byte[] {1, 2}, media.inputs().binaryValue());
    assertEquals(0, media.parameters().size());
    assertThrows(IllegalArgumentException.class, () -> ContentType.parse("image/jpg"));
    assertThrows(IllegalArgumentException.class, () -> ContentType.parse("audio/wav"));
  }
}
