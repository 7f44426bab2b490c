package ai.hubbatch.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class InferenceRequestTest {

  @Test
  void readsInputsAndParameters() {
    InferenceRequest request =
        InferenceRequest.parse("{\"inputs\":[\"a\",\"b\"],\"parameters\":{\"top_k\":3}}");
    assertEquals(2, request.inputs().size());
    assertEquals(3, request.parameters().get("top_k").asInt());
  }

  @Test
  void anObjectWithoutInputsIsTheInputsAsInTheToolkit() {
    InferenceRequest request = InferenceRequest.parse("{\"question\":\"q\",\"context\":\"c\"}");
    assertEquals("q", request.inputs().get("question").asText());
    assertEquals(0, request.parameters().size());
  }

  @Test
  void rejectsBrokenJsonAndBadParameters() {
    InvalidRequestException broken =
        assertThrows(InvalidRequestException.class, () -> InferenceRequest.parse("{\"inputs\":"));
    assertTrue(broken.getMessage().startsWith("Not valid JSON"), broken.getMessage());
    InvalidRequestException params =
        assertThrows(
            InvalidRequestException.class,
            () -> InferenceRequest.parse("{\"inputs\":\"a\",\"parameters\":[1]}"));
    assertEquals("\"parameters\" must be a JSON object, got a list of 1", params.getMessage());
    assertThrows(InvalidRequestException.class, () -> InferenceRequest.parse("   "));
    InvalidRequestException twoValues =
        assertThrows(
            InvalidRequestException.class,
            () -> InferenceRequest.parse("{\"inputs\":\"a\"} {\"inputs\":\"b\"}"));
    assertTrue(
        twoValues.getMessage().startsWith("Not valid JSON: Trailing token"),
        twoValues.getMessage());
  }

  @Test
  void writesCompactUtf8AndRefusesNaN() {
    assertEquals(
        "{\"a\":\"é🙂\",\"b\":[1,2]}",
        Json.write(
            JsonNodeFactory.instance
                .objectNode()
                .put("a", "é🙂")
                .set("b", JsonNodeFactory.instance.arrayNode().add(1).add(2))));
    assertThrows(
        IllegalArgumentException.class,
        () -> Json.write(JsonNodeFactory.instance.arrayNode().add(DoubleNode.valueOf(Double.NaN))));
    assertEquals("[\"NaN\"]", Json.write(JsonNodeFactory.instance.arrayNode().add("NaN")));
  }
}
