package ai.hubbatch.model.source.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive locks on files, between threads of this JVM and between processes: a JVM may hold an OS
 * file lock only once, so threads queue on an in-JVM lock first.
 *
 * <p>The OS lock is {@code fcntl}'s, which Python's {@code filelock} ({@code flock}) does not see
 * on Linux; the cache stays correct without it, as in huggingface_hub, because every download goes
 * to its own temporary file that is renamed into place only when verified.
 */
final class FileLocks {

  private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private FileLocks() {}

  /** A held lock; closing releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close() throws IOException;
  }

  /** Waits for and takes the lock of {@code file}, creating the file and its folders. */
  static Held acquire(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock local = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    local.lock();
    try {
      Files.createDirectories(key.getParent());
      FileChannel channel =
          FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.lock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return () -> {
        try (channel) {
          lock.release();
        } finally {
          local.unlock();
        }
      };
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }
}
