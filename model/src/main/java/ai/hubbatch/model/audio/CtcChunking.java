package ai.hubbatch.model.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The speech pipeline's chunking of long recordings for CTC models ({@code chunk_length_s}, {@code
 * stride_length_s}), engine-free: chunk and stride lengths in samples rounded to whole logits
 * frames (Python's {@code round}, half to even), chunks starting every {@code chunk - left - right}
 * samples ({@code chunk_iter}), each chunk's stride turned into logits frames ({@code
 * rescale_stride}), and the chunks' ids joined without their strides, as {@code postprocess} joins
 * them. The chunks come from a {@link SampleWindows}, so a recording is never in memory whole.
 * Immutable.
 */
public final class CtcChunking {

  private final int chunkLength;
  private final int strideLeft;
  private final int strideRight;
  private final int alignTo;

  private CtcChunking(int chunkLength, int strideLeft, int strideRight, int alignTo) {
    this.chunkLength = chunkLength;
    this.strideLeft = strideLeft;
    this.strideRight = strideRight;
    this.alignTo = alignTo;
  }

  /**
   * The chunking {@code chunk_length_s} and {@code stride_length_s} ask for.
   *
   * @param strideLeftSeconds the left stride; null for the pipeline's default, a sixth of the chunk
   * @param strideRightSeconds the right stride; null for the same as the left
   * @param alignTo the model's samples per logits frame ({@code inputs_to_logits_ratio})
   * @throws IllegalArgumentException when the strides leave no step between chunks
   */
  public static CtcChunking of(
      double chunkLengthSeconds,
      Double strideLeftSeconds,
      Double strideRightSeconds,
      int samplingRate,
      int alignTo) {
    if (!(chunkLengthSeconds > 0)) {
      throw new IllegalArgumentException(
          "chunk_length_s must be positive, got " + chunkLengthSeconds);
    }
    double left = strideLeftSeconds != null ? strideLeftSeconds : chunkLengthSeconds / 6;
    double right = strideRightSeconds != null ? strideRightSeconds : left;
    if (left < 0 || right < 0) {
      throw new IllegalArgumentException("stride_length_s must not be negative");
    }
    int chunk = aligned(chunkLengthSeconds, samplingRate, alignTo);
    int strideLeft = aligned(left, samplingRate, alignTo);
    int strideRight = aligned(right, samplingRate, alignTo);
    if (chunk <= strideLeft + strideRight) {
      throw new IllegalArgumentException(
          "chunk_length_s ("
              + chunkLengthSeconds
              + " s) must be longer than the two strides together ("
              + left
              + " s + "
              + right
              + " s)");
    }
    return new CtcChunking(chunk, strideLeft, strideRight, alignTo);
  }

  /** {@code int(round(seconds * rate / align) * align)}. */
  private static int aligned(double seconds, int samplingRate, int alignTo) {
    return (int) Math.rint(seconds * samplingRate / alignTo) * alignTo;
  }

  public int chunkLength() {
    return chunkLength;
  }

  public int strideLeft() {
    return strideLeft;
  }

  public int strideRight() {
    return strideRight;
  }

  /** The chunks of the recording under {@code windows}, from its current position on. */
  public Iterator<Chunk> chunks(SampleWindows windows) {
    int step = chunkLength - strideLeft - strideRight;
    long origin = windows.position();
    return new Iterator<>() {
      private Chunk next = advance(true);

      private Chunk advance(boolean first) {
        while (true) {
          if (!first) {
            windows.advance(step);
          }
          first = false;
          if (windows.atEnd()) {
            return null;
          }
          long start = windows.position() - origin;
          boolean last = windows.endsWithin(chunkLength);
          float[] samples = windows.window(chunkLength);
          int left = start == 0 ? 0 : strideLeft;
          int right = last ? 0 : strideRight;
          if (samples.length > left) {
            return new Chunk(start, samples, left, right, last);
          }
          if (last) {
            return null;
          }
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Chunk next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Chunk chunk = next;
        next = chunk.last() ? null : advance(false);
        return chunk;
      }
    };
  }

  /** A new joiner of the chunks' ids. */
  public Joiner joiner() {
    return new Joiner();
  }

  /**
   * One chunk: where it starts in the recording, its samples, the strides (in samples) that overlap
   * its neighbours, and whether the recording ends within it.
   */
  public record Chunk(long start, float[] samples, int strideLeft, int strideRight, boolean last) {

    /** {@code rescale_stride}: [frames, left, right] in logits frames for {@code alignTo}. */
    public int[] frameStride(int alignTo) {
      int total = samples.length;
      int frames = (int) Math.rint(total * (1.0 / alignTo));
      int left = (int) Math.rint((double) strideLeft / total * frames);
      int right = (int) Math.rint((double) strideRight / total * frames);
      return new int[] {frames, left, right};
    }
  }

  /** Collects the chunks' greedy ids without their strides, in order. */
  public final class Joiner {

    private final List<int[]> pieces = new ArrayList<>();
    private int size;

    private Joiner() {}

    /** Adds a chunk's ids (one per logits frame the model gave for it). */
    public void add(Chunk chunk, int[] ids) {
      int[] stride = chunk.frameStride(alignTo);
      int from = Math.min(stride[1], ids.length);
      int to = Math.max(from, Math.min(stride[0] - stride[2], ids.length));
      pieces.add(Arrays.copyOfRange(ids, from, to));
      size += to - from;
    }

    /** The joined ids, to decode as one recording's. */
    public int[] ids() {
      int[] all = new int[size];
      int at = 0;
      for (int[] piece : pieces) {
        System.arraycopy(piece, 0, all, at, piece.length);
        at += piece.length;
      }
      return all;
    }
  }
}
