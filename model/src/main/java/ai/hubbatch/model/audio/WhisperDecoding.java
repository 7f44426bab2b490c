package ai.hubbatch.model.audio;

import ai.hubbatch.model.source.ModelFolder;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whisper's generated ids to the pipeline's output, engine-free: transformers' {@code
 * WhisperTokenizer.decode(skip_special_tokens=True)} for plain text, and its {@code _decode_asr}
 * for the pipeline's result, which splits the text into segment {@code chunks} at timestamp tokens
 * ({@code (token - <|0.00|>) * time_precision} seconds, rounded to 2 decimals, where {@code
 * time_precision} is {@code chunk_length / max_source_positions}), stitches chunked windows by
 * their strides and longest common token run, and follows long-form generation's concatenated
 * windows (a timestamp going back starts the next window: 30 s on after a single closing timestamp,
 * else from the last closing one). Immutable.
 */
public final class WhisperDecoding {

  private static final Pattern TIMESTAMP = Pattern.compile("<\\|(\\d+\\.\\d+)\\|>");
  private static final int SEGMENT_SIZE = 1500;

  /** Ids to text, with or without special tokens, as the model's tokenizer decodes them. */
  @FunctionalInterface
  public interface TokenDecoder {
    String decode(long[] ids, boolean skipSpecialTokens);
  }

  /** One generation's ids (prompt included), and its window's stride in seconds if chunked. */
  public record Output(long[] tokens, double[] stride) {

    public static Output of(long[] tokens) {
      return new Output(tokens, null);
    }
  }

  private final TokenDecoder decoder;
  private final Map<Long, String> specialTokens;
  private final long timestampBegin;
  private final long startOfTranscript;
  private final long startOfPrevious;
  private final double timePrecision;

  public WhisperDecoding(
      TokenDecoder decoder,
      Map<Long, String> specialTokens,
      long noTimestamps,
      long startOfTranscript,
      long startOfPrevious,
      double timePrecision) {
    this.decoder = decoder;
    this.specialTokens = Map.copyOf(specialTokens);
    this.timestampBegin = noTimestamps + 1;
    this.startOfTranscript = startOfTranscript;
    this.startOfPrevious = startOfPrevious;
    this.timePrecision = timePrecision;
  }

  /**
   * The decoding of a Whisper model folder: special tokens from {@code tokenizer.json}'s added
   * tokens marked special, {@code time_precision} from {@code preprocessor_config.json}'s {@code
   * chunk_length} and {@code config.json}'s {@code max_source_positions}.
   */
  public static WhisperDecoding load(ModelFolder folder, TokenDecoder decoder) {
    Map<Long, String> specials = new HashMap<>();
    Map<String, Long> ids = new HashMap<>();
    for (JsonNode token : folder.json("tokenizer.json").path("added_tokens")) {
      ids.put(token.path("content").asText(), token.path("id").asLong());
      if (token.path("special").asBoolean()) {
        specials.put(token.path("id").asLong(), token.path("content").asText());
      }
    }
    Long noTimestamps = ids.get("<|notimestamps|>");
    Long start = ids.get("<|startoftranscript|>");
    if (noTimestamps == null || start == null) {
      throw new IllegalArgumentException(
          "tokenizer.json of "
              + folder.displayName()
              + " has no <|notimestamps|> or <|startoftranscript|>: not a Whisper tokenizer");
    }
    double chunkLength = folder.json("preprocessor_config.json").path("chunk_length").asDouble(30);
    int positions = folder.config().path("max_source_positions").asInt(1500);
    return new WhisperDecoding(
        decoder,
        specials,
        noTimestamps,
        start,
        ids.getOrDefault("<|startofprev|>", -1L),
        chunkLength / positions);
  }

  /** {@code decode(ids, skip_special_tokens=True)}: the text without prompt or timestamps. */
  public String text(long[] sequence) {
    return TIMESTAMP.matcher(decoder.decode(stripPrompt(sequence), true)).replaceAll("");
  }

  /** {@code _decode_asr} without word timestamps or languages in the output. */
  public Transcript transcript(List<Output> outputs, boolean returnTimestamps) {
    List<Chunk> chunks = new ArrayList<>();
    String lastLanguage = null;
    Chunk chunk = new Chunk();
    double timeOffset = 0.0;
    List<List<Long>> previousTokens = new ArrayList<>();
    boolean skip = false;
    for (Output output : outputs) {
      long[] tokens = stripPrompt(output.tokens());
      Long lastTimestamp = null;
      double firstTimestamp = timestampBegin;
      double currentMax = 0.0;
      double segmentsLength = 0.0;
      double penultimate = 0.0;
      double chunkLength = 0;
      double strideRight = 0;
      if (output.stride() != null) {
        chunkLength = output.stride()[0];
        double strideLeft = output.stride()[1];
        strideRight = output.stride()[2];
        timeOffset -= strideLeft;
        double rightStrideStart = chunkLength - strideRight;
        if (strideLeft != 0) {
          firstTimestamp = strideLeft / timePrecision + timestampBegin;
        }
        if (strideRight != 0) {
          for (int i = tokens.length - 1; i >= 0; i--) {
            long token = tokens[i];
            if (token >= timestampBegin) {
              if (lastTimestamp != null
                  && (token - timestampBegin) * timePrecision < rightStrideStart) {
                break;
              }
              lastTimestamp = token;
            }
          }
        }
      }
      List<Long> current = new ArrayList<>();
      for (int i = 0; i < tokens.length; i++) {
        long token = tokens[i];
        String special = specialTokens.get(token);
        if (special != null) {
          Optional<String> language =
              special.length() > 4
                  ? WhisperLanguages.name(special.substring(2, special.length() - 2))
                  : Optional.empty();
          if (language.isPresent()) {
            if (lastLanguage != null && !language.get().equals(lastLanguage) && !returnTimestamps) {
              previousTokens.add(current);
              chunk.text = decode(longestCommonSequence(previousTokens));
              chunks.add(chunk);
              previousTokens = new ArrayList<>();
              current = new ArrayList<>();
              chunk = new Chunk();
            }
            lastLanguage = language.get();
          }
        } else if (token >= timestampBegin) {
          double timestamp = (token - timestampBegin) * timePrecision;
          if (timestamp < currentMax) {
            boolean singleEnding =
                i >= 2 && !(tokens[i - 1] >= timestampBegin && tokens[i - 2] >= timestampBegin);
            if (singleEnding) {
              segmentsLength += timePrecision * SEGMENT_SIZE;
            } else {
              currentMax = penultimate;
              segmentsLength += penultimate;
            }
          }
          penultimate = currentMax;
          currentMax = timestamp;
          double time =
              round2((token - timestampBegin) * timePrecision + timeOffset + segmentsLength);
          if (lastTimestamp != null && token >= lastTimestamp) {
            skip = true;
          } else if (skip || (!previousTokens.isEmpty() && token < firstTimestamp)) {
            skip = false;
          } else if (chunk.start == null) {
            chunk.start = time;
          } else if (time != chunk.start) {
            chunk.end = time;
            previousTokens.add(current);
            chunk.text = decode(longestCommonSequence(previousTokens));
            chunks.add(chunk);
            previousTokens = new ArrayList<>();
            current = new ArrayList<>();
            chunk = new Chunk();
          }
        } else {
          current.add(token);
        }
      }
      if (output.stride() != null) {
        timeOffset += chunkLength - strideRight;
      }
      if (!current.isEmpty()) {
        previousTokens.add(current);
      } else if (previousTokens.stream().allMatch(List::isEmpty)) {
        chunk = new Chunk();
        previousTokens = new ArrayList<>();
      }
    }
    if (!previousTokens.isEmpty()) {
      chunk.text = decode(longestCommonSequence(previousTokens));
      chunks.add(chunk);
    }
    StringBuilder text = new StringBuilder();
    chunks.forEach(c -> text.append(c.text));
    if (!returnTimestamps) {
      return Transcript.of(text.toString());
    }
    List<TimedText> timed = new ArrayList<>();
    chunks.forEach(c -> timed.add(new TimedText(c.text, c.start, c.end)));
    return new Transcript(text.toString(), Optional.of(timed));
  }

  private String decode(List<Long> tokens) {
    return decoder.decode(tokens.stream().mapToLong(Long::longValue).toArray(), false);
  }

  /** {@code _strip_prompt}: a sequence starting with {@code <|startofprev|>} from its SOT on. */
  private long[] stripPrompt(long[] tokens) {
    if (tokens.length == 0 || tokens[0] != startOfPrevious) {
      return tokens;
    }
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] == startOfTranscript) {
        return java.util.Arrays.copyOfRange(tokens, i, tokens.length);
      }
    }
    return new long[0];
  }

  /** Python's {@code round(x, 2)}: the exact binary value rounded half to even. */
  private static double round2(double value) {
    return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
  }

  /**
   * The Whisper tokenizer's {@code _find_longest_common_sequence}: consecutive windows' tokens
   * joined where they overlap best (most matches per overlap length, longer overlaps winning ties),
   * the left window trusted for the first half of the overlap and the right for the rest.
   */
  static List<Long> longestCommonSequence(List<List<Long>> sequences) {
    List<Long> left = sequences.get(0);
    List<Long> total = new ArrayList<>();
    for (List<Long> right : sequences.subList(1, sequences.size())) {
      int leftLength = left.size();
      int rightLength = right.size();
      double best = 0.0;
      int[] indices = {leftLength, leftLength, 0, 0};
      for (int i = 1; i < leftLength + rightLength; i++) {
        double eps = i / 10000.0;
        int leftStart = Math.max(0, leftLength - i);
        int leftStop = Math.min(leftLength, leftLength + rightLength - i);
        int rightStart = Math.max(0, i - leftLength);
        int rightStop = Math.min(rightLength, i);
        int matches = 0;
        for (int k = 0; k < leftStop - leftStart; k++) {
          if (left.get(leftStart + k).equals(right.get(rightStart + k))) {
            matches++;
          }
        }
        double matching = (double) matches / i + eps;
        if (matches > 1 && matching > best) {
          best = matching;
          indices = new int[] {leftStart, leftStop, rightStart, rightStop};
        }
      }
      int leftMiddle = (indices[1] + indices[0]) / 2;
      int rightMiddle = (indices[3] + indices[2]) / 2;
      total.addAll(left.subList(0, leftMiddle));
      left = right.subList(rightMiddle, rightLength);
    }
    total.addAll(left);
    return total;
  }

  /** A chunk being built: the state machine's {@code new_chunk()}. */
  private static final class Chunk {
    private Double start;
    private Double end;
    private String text = "";
  }
}
