package ai.hubbatch.model.audio;

import java.util.Arrays;

/** Mono float samples read front to back: a decoding {@link AudioStream} or an array. */
public interface SampleSource {

  /**
   * Reads up to {@code length} samples into {@code buffer}; returns how many (at least one when
   * {@code length > 0}), or -1 once the samples have ended.
   */
  int read(float[] buffer, int offset, int length);

  /** The samples of an array, in order. */
  static SampleSource of(float[] samples) {
    float[] copy = Arrays.copyOf(samples, samples.length);
    return new SampleSource() {
      private int next;

      @Override
      public int read(float[] buffer, int offset, int length) {
        if (next == copy.length) {
          return -1;
        }
        int count = Math.min(length, copy.length - next);
        System.arraycopy(copy, next, buffer, offset, count);
        next += count;
        return count;
      }
    };
  }
}
