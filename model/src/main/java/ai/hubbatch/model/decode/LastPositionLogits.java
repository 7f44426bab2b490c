package ai.hubbatch.model.decode;

import ai.hubbatch.model.decode.ProtoWire.Field;
import ai.hubbatch.model.decode.ProtoWire.Nested;
import ai.hubbatch.model.decode.ProtoWire.Piece;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a decoder graph so that it computes logits for the last position only, as transformers'
 * {@code logits_to_keep=1} does: a {@code Gather} of the last position goes in front of the
 * language-model head's {@code MatMul}. The Hub's exports compute logits for every position of the
 * input, and a prompt's prefill needs only the last; the head's product with the vocabulary is most
 * of a small model's work, and all of it is thrown away but one row. Steps feed one position, so
 * they compute the same as before.
 *
 * <p>The head is found from the {@code logits} output upwards: through elementwise operations (a
 * bias {@code Add}, a {@code Cast}) to a {@code MatMul}, and into both branches of a merged
 * decoder's {@code If}. A graph where it is not found this way, or whose weights lie in external
 * data files, is left alone, and its prefills read the last position through {@link CacheGraphs}
 * instead. The file is edited at the protobuf wire level: everything else is copied as it was.
 */
final class LastPositionLogits {

  /** Files above this are not read whole into memory; exports that large keep external data. */
  static final long MAX_BYTES = 1L << 30;

  private static final String LOGITS = "logits";

  /** Operations the head's result passes through on its way to the logits. */
  private static final Set<String> ELEMENTWISE =
      Set.of("Add", "Sub", "Mul", "Div", "Cast", "Identity");

  // ONNX field numbers
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_NAME = 1;
  private static final int ATTRIBUTE_INT = 3;
  private static final int ATTRIBUTE_TENSOR = 5;
  private static final int ATTRIBUTE_GRAPH = 6;
  private static final int ATTRIBUTE_TYPE = 20;
  private static final int ATTRIBUTE_TYPE_INT = 2;
  private static final int ATTRIBUTE_TYPE_TENSOR = 4;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_TYPE = 2;
  private static final int TENSOR_INT64 = 7;
  private static final int TENSOR_RAW = 9;
  private static final int TENSOR_LOCATION = 14;
  private static final int VALUE_NAME = 1;

  private LastPositionLogits() {}

  /**
   * Writes the rewritten graph of {@code source} to {@code target}.
   *
   * @return whether it was rewritten; when not, nothing is written
   * @throws IOException if a file cannot be read or written
   * @throws IllegalArgumentException if {@code source} is not a protobuf message
   */
  static boolean rewrite(Path source, Path target) throws IOException {
    if (Files.size(source) > MAX_BYTES) {
      return false;
    }
    byte[] data = Files.readAllBytes(source);
    List<Field> model = ProtoWire.parse(data, 0, data.length);
    List<Piece> pieces = new ArrayList<>();
    boolean rewritten = false;
    for (Field field : model) {
      if (field.number() == MODEL_GRAPH && field.type() == ProtoWire.LENGTH) {
        List<Piece> graph = graph(field.message(), LOGITS, true);
        if (graph == null) {
          return false;
        }
        pieces.add(new Nested(MODEL_GRAPH, graph));
        rewritten = true;
      } else {
        pieces.add(field.piece());
      }
    }
    if (!rewritten) {
      return false;
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target))) {
      for (Piece piece : pieces) {
        piece.write(out);
      }
    }
    return true;
  }

  /** A node's fields and what they say. */
  private record Node(
      Field field, List<Field> fields, List<String> inputs, List<String> outputs, String op) {

    static Node of(Field field) {
      List<Field> fields = field.message();
      List<String> inputs = new ArrayList<>();
      List<String> outputs = new ArrayList<>();
      String op = "";
      for (Field f : fields) {
        switch (f.number()) {
          case NODE_INPUT -> inputs.add(f.string());
          case NODE_OUTPUT -> outputs.add(f.string());
          case NODE_OP -> op = f.string();
          default -> {
            // other fields are copied as they are
          }
        }
      }
      return new Node(field, fields, inputs, outputs, op);
    }
  }

  /**
   * The graph with the last-position gather before the head that computes {@code output}, or null
   * when the head is not found.
   */
  private static List<Piece> graph(List<Field> graph, String output, boolean top) {
    List<Node> nodes = new ArrayList<>();
    Map<String, Integer> producers = new HashMap<>();
    for (Field field : graph) {
      if (field.number() == GRAPH_NODE) {
        Node node = Node.of(field);
        for (String produced : node.outputs()) {
          producers.put(produced, nodes.size());
        }
        nodes.add(node);
      } else if (top && field.number() == GRAPH_INITIALIZER && external(field)) {
        return null;
      }
    }
    Integer at = producers.get(output);
    String wanted = output;
    for (int hop = 0; at != null && hop < 8; hop++) {
      Node node = nodes.get(at);
      if (node.op().equals("MatMul")) {
        return replaced(graph, node.field(), head(node));
      }
      if (node.op().equals("If")) {
        List<Piece> branches = branches(node, node.outputs().indexOf(wanted));
        return branches == null ? null : replaced(graph, node.field(), branches);
      }
      if (!ELEMENTWISE.contains(node.op())) {
        return null;
      }
      List<String> computed = node.inputs().stream().filter(producers::containsKey).toList();
      if (computed.size() != 1) {
        return null;
      }
      wanted = computed.get(0);
      at = producers.get(wanted);
    }
    return null;
  }

  private static boolean external(Field initializer) {
    for (Field f : initializer.message()) {
      if (f.number() == TENSOR_LOCATION && f.varint() == 1) {
        return true;
      }
    }
    return false;
  }

  /** The graph's fields with one node's field replaced by pieces. */
  private static List<Piece> replaced(List<Field> graph, Field node, List<Piece> replacement) {
    List<Piece> pieces = new ArrayList<>();
    for (Field field : graph) {
      if (field == node) {
        pieces.addAll(replacement);
      } else {
        pieces.add(field.piece());
      }
    }
    return pieces;
  }

  /** The head's MatMul taking the last position of its first input: three nodes. */
  private static List<Piece> head(Node matMul) {
    String hidden = matMul.inputs().get(0);
    String index = hidden + "/hubbatch_last_index";
    String last = hidden + "/hubbatch_last_position";
    byte[] minusOne = new byte[8];
    java.util.Arrays.fill(minusOne, (byte) 0xff);
    Piece tensor =
        new Nested(
            ATTRIBUTE_TENSOR,
            List.of(
                ProtoWire.varint(TENSOR_DIMS, 1),
                ProtoWire.varint(TENSOR_TYPE, TENSOR_INT64),
                ProtoWire.bytes(TENSOR_RAW, minusOne)));
    Piece constant =
        new Nested(
            GRAPH_NODE,
            List.of(
                ProtoWire.string(NODE_OUTPUT, index),
                ProtoWire.string(NODE_NAME, index),
                ProtoWire.string(NODE_OP, "Constant"),
                new Nested(
                    NODE_ATTRIBUTE,
                    List.of(
                        ProtoWire.string(ATTRIBUTE_NAME, "value"),
                        tensor,
                        ProtoWire.varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_TENSOR)))));
    Piece gather =
        new Nested(
            GRAPH_NODE,
            List.of(
                ProtoWire.string(NODE_INPUT, hidden),
                ProtoWire.string(NODE_INPUT, index),
                ProtoWire.string(NODE_OUTPUT, last),
                ProtoWire.string(NODE_NAME, last),
                ProtoWire.string(NODE_OP, "Gather"),
                new Nested(
                    NODE_ATTRIBUTE,
                    List.of(
                        ProtoWire.string(ATTRIBUTE_NAME, "axis"),
                        ProtoWire.varint(ATTRIBUTE_INT, 1),
                        ProtoWire.varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT)))));
    List<Piece> node = new ArrayList<>();
    boolean first = true;
    for (Field f : matMul.fields()) {
      if (first && f.number() == NODE_INPUT) {
        node.add(ProtoWire.string(NODE_INPUT, last));
        first = false;
      } else {
        node.add(f.piece());
      }
    }
    return List.of(constant, gather, new Nested(GRAPH_NODE, node));
  }

  /** An If node whose every branch graph has the gather before its head, or null. */
  private static List<Piece> branches(Node node, int outputIndex) {
    List<Piece> pieces = new ArrayList<>();
    for (Field f : node.fields()) {
      if (f.number() != NODE_ATTRIBUTE) {
        pieces.add(f.piece());
        continue;
      }
      List<Field> attribute = f.message();
      Field graph =
          attribute.stream().filter(a -> a.number() == ATTRIBUTE_GRAPH).findFirst().orElse(null);
      if (graph == null) {
        pieces.add(f.piece());
        continue;
      }
      List<Field> branch = graph.message();
      List<String> outputs = new ArrayList<>();
      for (Field g : branch) {
        if (g.number() == GRAPH_OUTPUT) {
          outputs.add(
              g.message().stream()
                  .filter(v -> v.number() == VALUE_NAME)
                  .findFirst()
                  .map(Field::string)
                  .orElse(""));
        }
      }
      if (outputIndex < 0 || outputIndex >= outputs.size()) {
        return null;
      }
      List<Piece> rewritten = graph(branch, outputs.get(outputIndex), false);
      if (rewritten == null) {
        return null;
      }
      List<Piece> content = new ArrayList<>();
      for (Field a : attribute) {
        content.add(a == graph ? new Nested(ATTRIBUTE_GRAPH, rewritten) : a.piece());
      }
      pieces.add(new Nested(NODE_ATTRIBUTE, content));
    }
    return List.of(new Nested(GRAPH_NODE, pieces));
  }
}
