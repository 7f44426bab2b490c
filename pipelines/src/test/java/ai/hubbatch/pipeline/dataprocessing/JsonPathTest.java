package ai.hubbatch.pipeline.dataprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.codec.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPathTest {

  private static String select(String path, String json) throws Exception {
    return Json.write(JsonPath.parse(path, "OutputFilter").select(Json.MAPPER.readTree(json)));
  }

  @Test
  void selectsAsSageMakerDocuments() throws Exception {
    String row = "[\"c0\",\"c1\",\"c2\",\"c3\",\"c4\",\"c5\",\"c6\"]";
    assertEquals(row, select("$", row));
    assertEquals("\"c1\"", select("$[1]", row));
    assertEquals("\"c6\"", select("$[-1]", row));
    assertEquals("[\"c1\",\"c3\",\"c5\"]", select("$[1,3,5]", row));
    // "$[1:4] specifies the second through fifth columns": the end is included.
    assertEquals("[\"c1\",\"c2\",\"c3\",\"c4\"]", select("$[1:4]", row));
    assertEquals("[\"c0\",\"c1\",\"c2\",\"c3\",\"c4\",\"c5\"]", select("$[:5]", row));
    assertEquals("[\"c5\",\"c6\"]", select("$[5:]", row));
    assertEquals("[\"c0\",\"c5\",\"c6\"]", select("$[0,5:]", row));
    assertEquals("[\"c0\",\"c6\"]", select("$[0,-1]", row));
    assertEquals("[\"c5\",\"c6\"]", select("$[-2:]", row));

    String record = "{\"id\":7,\"features\":{\"a\":1,\"b\":[2,3]},\"SageMakerOutput\":{\"l\":1}}";
    assertEquals("{\"a\":1,\"b\":[2,3]}", select("$.features", record));
    assertEquals("3", select("$.features.b[-1]", record));
    assertEquals("[1,[2,3]]", select("$.features.*", record));
    assertEquals(
        "{\"id\":7,\"SageMakerOutput\":{\"l\":1}}", select("$['id','SageMakerOutput']", record));
    assertEquals("{\"a\":1,\"b\":[2,3]}", select("$.features.['a','b']", record));
  }

  @Test
  void refusesWhatSageMakerRefusesAndNamesMissingParts() {
    for (String bad :
        List.of(
            "$..id",
            "$[?(@.a)]",
            "features",
            "$.f.['c1','c2.g']",
            "$['id'",
            "$.a" + "b".repeat(61))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> JsonPath.parse(bad, "InputFilter"), bad);
      assertTrue(e.getMessage().startsWith("InputFilter '"), e.getMessage());
    }
    InvalidRequestException outside =
        assertThrows(InvalidRequestException.class, () -> select("$[0,3]", "[1,2,3]"));
    assertEquals("The filter $[0,3] names index 3 of a list of 3", outside.getMessage());
    InvalidRequestException missing =
        assertThrows(InvalidRequestException.class, () -> select("$.features", "{\"id\":1}"));
    assertEquals(
        "The filter $.features names the key 'features', which the record does not " + "have",
        missing.getMessage());
  }
}
