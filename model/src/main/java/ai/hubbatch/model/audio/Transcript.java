package ai.hubbatch.model.audio;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What the speech-recognition pipeline returns for one recording: the text, and the timed chunks
 * when timestamps were asked for.
 */
public record Transcript(String text, Optional<List<TimedText>> chunks) {

  public Transcript {
    chunks = chunks.map(List::copyOf);
  }

  public static Transcript of(String text) {
    return new Transcript(text, Optional.empty());
  }

  /** {@code {"text": ...}} plus {@code "chunks"} when there are timestamps. */
  public ObjectNode toJson() {
    ObjectNode output = JsonNodeFactory.instance.objectNode();
    output.put("text", text);
    chunks.ifPresent(
        list -> {
          ArrayNode array = output.putArray("chunks");
          list.forEach(chunk -> array.add(chunk.toJson()));
        });
    return output;
  }
}
