package ai.hubbatch.model.audio;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A window sliding over a {@link SampleSource}: the samples from {@link #position()} on, as many as
 * a caller asks for, read ahead only as far as asked, and dropped once the window moves past them.
 * Memory stays at the largest window asked for (plus one sample of look-ahead), however long the
 * recording: this is how a six-hour recording goes through a model 30 seconds at a time.
 *
 * <p>Fixed windows with overlap ({@link #fixed}) serve chunked CTC; {@link #window} with {@link
 * #advance} serves Whisper's sequential long-form decoding, whose next window starts where the last
 * one's transcript ended. Not thread-safe.
 */
public final class SampleWindows {

  private final SampleSource source;
  private float[] buffer = new float[0];
  private int buffered;
  private long position;
  private boolean sourceEnded;

  public SampleWindows(SampleSource source) {
    this.source = source;
  }

  /** The index in the recording of the first sample of the window. */
  public long position() {
    return position;
  }

  /**
   * The next {@code length} samples from {@link #position()}, fewer where the recording ends first
   * (none past its end). A copy: later calls do not change it.
   */
  public float[] window(int length) {
    fill(length);
    return Arrays.copyOf(buffer, Math.min(length, buffered));
  }

  /** Whether the recording ends at or before {@code position() + length}. */
  public boolean endsWithin(long length) {
    if (length >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("window too long: " + length);
    }
    fill((int) length + 1);
    return buffered <= length;
  }

  /** Whether no sample is left from {@link #position()} on. */
  public boolean atEnd() {
    return endsWithin(0);
  }

  /** Moves the window {@code count} samples on (past the end, if the recording ends first). */
  public void advance(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("cannot move back: " + count);
    }
    long left = count;
    while (left > 0) {
      if (buffered == 0) {
        fill((int) Math.min(left, 1 << 16));
        if (buffered == 0) {
          position += left;
          return;
        }
      }
      int drop = (int) Math.min(left, buffered);
      System.arraycopy(buffer, drop, buffer, 0, buffered - drop);
      buffered -= drop;
      position += drop;
      left -= drop;
    }
  }

  /**
   * Windows of {@code length} samples starting every {@code length - overlap} samples, from the
   * current position to the end: each has its start, its samples (the last may be shorter) and
   * whether the recording ends within it. A window starts only where samples are left.
   */
  public Iterator<AudioWindow> fixed(int length, int overlap) {
    if (length <= 0 || overlap < 0 || overlap >= length) {
      throw new IllegalArgumentException(
          "a window needs a positive length and an overlap shorter than it, got length "
              + length
              + " and overlap "
              + overlap);
    }
    int step = length - overlap;
    return new Iterator<>() {
      private boolean started;
      private boolean done;

      @Override
      public boolean hasNext() {
        // A window that is not the last has samples past its step, so the next one has samples.
        return !done && (started || !atEnd());
      }

      @Override
      public AudioWindow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (started) {
          advance(step);
        }
        started = true;
        done = endsWithin(length);
        return new AudioWindow(position, window(length), done);
      }
    };
  }

  private void fill(int length) {
    if (buffer.length < length) {
      buffer = Arrays.copyOf(buffer, Math.max(length, Math.min(buffer.length * 2, length * 2)));
    }
    while (buffered < length && !sourceEnded) {
      int count = source.read(buffer, buffered, buffer.length - buffered);
      if (count < 0) {
        sourceEnded = true;
      } else {
        buffered += count;
      }
    }
  }
}
