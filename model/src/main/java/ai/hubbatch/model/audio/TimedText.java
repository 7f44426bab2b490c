package ai.hubbatch.model.audio;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One of a transcript's {@code chunks}: text with its start and end in seconds; either may be
 * unknown (a Whisper segment whose end the model did not write), shown as JSON {@code null}.
 */
public record TimedText(String text, Double start, Double end) {

  /** {@code {"text": ..., "timestamp": [start, end]}}, as the pipeline writes a chunk. */
  public ObjectNode toJson() {
    ObjectNode chunk = JsonNodeFactory.instance.objectNode();
    chunk.put("text", text);
    var timestamp = chunk.putArray("timestamp");
    if (start == null) {
      timestamp.addNull();
    } else {
      timestamp.add(start);
    }
    if (end == null) {
      timestamp.addNull();
    } else {
      timestamp.add(end);
    }
    return chunk;
  }
}
