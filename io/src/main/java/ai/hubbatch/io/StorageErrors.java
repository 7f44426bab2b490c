package ai.hubbatch.io;

import ai.hubbatch.io.s3.S3Errors;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;

/**
 * Turns a failure to list, read or write a location, found before a job starts, into a mistake the
 * user can fix: an {@link IllegalArgumentException} whose message says what could not be done, why,
 * and what to change. Commands exit 2 on it, having run nothing.
 */
public final class StorageErrors {

  private StorageErrors() {}

  /**
   * @param what what could not be done, for the message ({@code "Cannot write into the output
   *     s3://b/out/"})
   * @param failure what went wrong
   */
  public static IllegalArgumentException explain(String what, Exception failure) {
    return new IllegalArgumentException(what + ": " + reason(failure), failure);
  }

  /**
   * Whether a failure is the storage's (an I/O error, or an S3 client or service error anywhere in
   * its causes), as opposed to a bug, which should surface as one.
   */
  public static boolean concerns(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.io.IOException || cause instanceof java.io.UncheckedIOException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return S3Errors.explain(failure).isPresent();
  }

  private static String reason(Exception failure) {
    return S3Errors.explain(failure).orElseGet(() -> local(failure));
  }

  private static String local(Exception failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof AccessDeniedException denied) {
        return "permission denied on "
            + denied.getFile()
            + ": choose a folder this user may write, or change its permissions";
      }
      if (cause instanceof NotDirectoryException notFolder) {
        return notFolder.getFile() + " is a file, not a folder: choose another path";
      }
      if (cause instanceof FileSystemException fs && fs.getReason() != null) {
        return fs.getReason()
            + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")")
            + ": choose another location or fix this one";
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return failure.toString();
  }
}
