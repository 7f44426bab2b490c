package ai.hubbatch.model.task;

import ai.hubbatch.model.codec.InferenceRequest;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.stage.EncoderStage;
import ai.hubbatch.model.stage.SequenceOutput;
import ai.hubbatch.model.tokenize.TextTokenizer;
import ai.hubbatch.model.tokenize.TokenizedText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code fill-mask}: transformers' {@code FillMaskPipeline} over a masked LM's {@code logits}.
 *
 * <p>{@code inputs}: a string or a list of strings, each with at least one of the tokenizer's mask
 * token ({@code [MASK]} for BERT, {@code <mask>} for RoBERTa). Parameters: {@code top_k} (default
 * 5) and {@code targets} (a word or a list: only those are scored; words outside the vocabulary are
 * replaced by their first token). Each mask gets {@code [{"score", "token", "token_str",
 * "sequence"}]}; several masks give a list per mask.
 */
final class FillMaskTask extends EncoderTask<FillMaskTask.State> {

  static final String NAME = "fill-mask";
  private static final Set<String> PARAMETERS = Set.of("top_k", "targets", "tokenizer_kwargs");

  record State(TextInputs inputs, List<TokenizedText> sequences, int topK, long[] targets) {}

  private final TextTokenizer tokenizer;

  FillMaskTask(EncoderStage encoder, TextTokenizer tokenizer) {
    super(encoder);
    this.tokenizer = tokenizer;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Prepared<TokenizedText, State> prepare(InferenceRequest request) {
    Parameters parameters = Parameters.of(request.parameters(), NAME, PARAMETERS);
    String mask =
        tokenizer
            .vocabulary()
            .maskToken()
            .orElseThrow(
                () -> new InvalidRequestException("The tokenizer does not define a `mask_token`."));
    long maskId = tokenizer.vocabulary().id(mask).getAsLong();
    TextInputs inputs = TextInputs.parse(request.inputs(), NAME);
    List<TokenizedText> sequences = new ArrayList<>();
    for (String text : inputs.texts()) {
      TokenizedText sequence = tokenizer.encode(text);
      if (masks(sequence.ids(), maskId).length == 0) {
        throw new InvalidRequestException("No mask_token (" + mask + ") found on the input");
      }
      sequences.add(sequence);
    }
    long[] targets = targets(parameters.strings("targets"));
    int topK = parameters.atLeast("top_k", 5, 1);
    if (targets != null) {
      topK = Math.min(topK, targets.length);
    }
    return new Prepared<>(sequences, new State(inputs, sequences, topK, targets));
  }

  /** {@code get_target_ids}: vocabulary ids, or a word's first token when it is not one. */
  private long[] targets(List<String> words) {
    if (words == null) {
      return null;
    }
    Set<Long> ids = new LinkedHashSet<>();
    for (String word : words) {
      OptionalLong id = tokenizer.vocabulary().id(word);
      if (id.isPresent()) {
        ids.add(id.getAsLong());
      } else {
        long[] pieces = tokenizer.idsWithoutSpecialTokens(word);
        if (pieces.length > 0) {
          ids.add(pieces[0]);
        }
      }
    }
    if (ids.isEmpty()) {
      throw new InvalidRequestException("At least one target must be provided when passed.");
    }
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  private static int[] masks(long[] ids, long maskId) {
    return java.util.stream.IntStream.range(0, ids.length).filter(i -> ids[i] == maskId).toArray();
  }

  @Override
  public JsonNode respond(State state, List<SequenceOutput> outputs) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    long maskId = tokenizer.vocabulary().id(tokenizer.vocabulary().maskToken().get()).getAsLong();
    ArrayNode all = nodes.arrayNode(outputs.size());
    for (int s = 0; s < outputs.size(); s++) {
      SequenceOutput output = outputs.get(s);
      int logits = output.indexOf("logits", 0);
      int vocab = output.width(logits);
      float[] values = output.tokens(logits);
      long[] ids = state.sequences().get(s).ids();
      int[] masks = masks(ids, maskId);
      if (state.targets() == null && state.topK() > vocab) {
        throw new InvalidRequestException(
            NAME + ": top_k (" + state.topK() + ") is larger than the vocabulary (" + vocab + ")");
      }
      ArrayNode perMask = nodes.arrayNode(masks.length);
      for (int mask : masks) {
        perMask.add(predictions(state, values, vocab, ids, mask, masks.length == 1));
      }
      all.add(masks.length == 1 ? perMask.get(0) : perMask);
    }
    return all.size() == 1 ? all.get(0) : all;
  }

  private ArrayNode predictions(
      State state, float[] logits, int vocab, long[] ids, int mask, boolean singleMask) {
    double[] probs = Scores.softmax(logits, mask * vocab, vocab);
    long[] candidates = state.targets();
    if (candidates == null) {
      candidates = new long[vocab];
      Arrays.setAll(candidates, i -> i);
    }
    Long[] order = Arrays.stream(candidates).boxed().toArray(Long[]::new);
    Arrays.sort(order, Comparator.comparingDouble((Long id) -> probs[(int) (long) id]).reversed());
    ArrayNode row = JsonNodeFactory.instance.arrayNode(state.topK());
    long pad = tokenizer.padId();
    for (int k = 0; k < state.topK(); k++) {
      long token = order[k];
      long[] filled = ids.clone();
      filled[mask] = token;
      long[] kept = Arrays.stream(filled).filter(id -> id != pad).toArray();
      ObjectNode proposition = row.addObject();
      proposition.put("score", probs[(int) token]);
      proposition.put("token", token);
      proposition.put("token_str", tokenizer.decode(new long[] {token}, false));
      // With several masks the others would vanish from the text, so specials are kept then.
      proposition.put("sequence", tokenizer.decode(kept, singleMask));
    }
    return row;
  }
}
