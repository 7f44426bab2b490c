package ai.hubbatch.model.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hubbatch.model.TinyModels;
import ai.hubbatch.model.engine.Tensor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.stage.TokenBatch;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tiny model on both engines: DJL's tokenizer gives transformers.js's token ids, and the
 * model, run as one padded batch of all cases, gives its logits to 1e-4.
 */
class TinyModelLogitsTest {

  static Stream<Arguments> models() {
    List<Arguments> all = new ArrayList<>();
    for (String model :
        List.of(
            "tiny-bert-sentiment",
            "tiny-bert-multilabel",
            "tiny-bert-ner",
            "tiny-bert-qa",
            "tiny-bert-mlm",
            "tiny-bert-cross-encoder",
            "tiny-roberta-mlm",
            "tiny-roberta-nli")) {
      for (String engine : TinyModels.ENGINES) {
        all.add(Arguments.of(model, engine));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("models")
  void idsAndLogitsMatchTransformersJs(String name, String engine) throws Exception {
    JsonNode cases = TinyModels.expected(name).get("cases");
    try (LoadedModel model = TinyModels.load(name, "feature-extraction", engine);
        EncoderStage.Session session = ((EncoderStage) model.task().stage()).newSession();
        TextTokenizer tokenizer = TinyModels.tokenizer(model)) {
      List<long[]> ids = new ArrayList<>();
      List<long[]> types = new ArrayList<>();
      for (JsonNode c : cases) {
        TokenizedText text =
            c.has("text_pair")
                ? tokenizer.encode(c.get("text").asText(), c.get("text_pair").asText())
                : tokenizer.encode(c.get("text").asText());
        assertArrayEquals(longs(c.get("input_ids")), text.ids(), c.get("text").asText());
        if (c.has("token_type_ids")) {
          assertArrayEquals(longs(c.get("token_type_ids")), text.typeIds());
        }
        ids.add(text.ids());
        types.add(text.typeIds());
      }
      List<Tensor> outputs = session.run(TokenBatch.pad(ids, types, tokenizer.padId()));
      for (int row = 0; row < cases.size(); row++) {
        JsonNode c = cases.get(row);
        int output = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("logits").fields();
            it.hasNext();
            output++) {
          Map.Entry<String, JsonNode> expected = it.next();
          List<Float> flat = new ArrayList<>();
          flatten(expected.getValue(), flat);
          SequenceOutput sequence = new SequenceOutput(outputs, row, ids.get(row).length);
          Tensor tensor = outputs.get(output);
          float[] actual =
              expected.getKey().endsWith("_logits")
                  ? sequence.scores(output)
                  : tensor.rank() == 3 ? sequence.tokens(output) : sequence.row(output);
          assertEquals(flat.size(), actual.length, name + " " + expected.getKey());
          for (int i = 0; i < actual.length; i++) {
            assertEquals(
                flat.get(i),
                actual[i],
                1e-4,
                name + " " + expected.getKey() + " [" + i + "] of " + c.get("text"));
          }
        }
      }
    }
  }

  static long[] longs(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asLong();
    }
    return values;
  }

  static void flatten(JsonNode node, List<Float> into) {
    if (node.isArray()) {
      node.forEach(n -> flatten(n, into));
    } else {
      into.add(node.floatValue());
    }
  }
}
