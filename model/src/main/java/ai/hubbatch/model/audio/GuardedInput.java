package ai.hubbatch.model.audio;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The input FFmpeg reads through JavaCV's callback. JavaCV turns a failed read into the end of the
 * stream, which would pass a cut-short decode off as complete; this keeps the failure (a read
 * error, or the decoder's deadline passing) so the decoder can report it, and fails every read
 * after the deadline so a stalled source cannot keep the decoder waiting for more.
 */
final class GuardedInput extends FilterInputStream {

  private final long deadline;
  private IOException failure;

  GuardedInput(InputStream in, long deadlineNanos) {
    super(in);
    this.deadline = deadlineNanos;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    check();
    try {
      return super.read(buffer, offset, length);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public long skip(long count) throws IOException {
    check();
    return super.skip(count);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  boolean pastDeadline() {
    return System.nanoTime() - deadline > 0 && deadline != Long.MAX_VALUE;
  }

  /** Throws the read failure the decoder swallowed, if there was one. */
  void rethrowFailure() {
    if (failure != null) {
      throw new AudioDecodingException(
          "could not read the audio: " + failure.getMessage(), failure);
    }
  }

  private void check() throws IOException {
    if (pastDeadline()) {
      failure = new IOException("the decoding deadline passed while reading the input");
      throw failure;
    }
  }
}
