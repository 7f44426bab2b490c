package ai.hubbatch.io;

/**
 * Another live job holds the output folder ({@link JobLock}). It is a mistake in what the command
 * asked for, like a wrong option, so it is an {@link IllegalArgumentException}: the command exits 2
 * with this message, which names the other job, and nothing is written.
 */
public final class FolderInUseException extends IllegalArgumentException {

  FolderInUseException(String message) {
    super(message);
  }
}
