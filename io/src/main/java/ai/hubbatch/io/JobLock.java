package ai.hubbatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock of an output folder ({@code .hubbatch/lock}), held by the program that runs a job (the
 * launcher, not the workers) from before its first write until it ends, so two jobs never write
 * into one folder at once. The lock file names its holder: job id, host, process id and start time.
 *
 * <p>On a local file system the lock is an operating-system lock on that file ({@link
 * FileChannel#tryLock()}): the kernel releases it when the process ends, however it ends, so a
 * killed job never leaves it stuck. The file itself stays, emptied when its job ends; what a killed
 * job wrote in it is true of no live process.
 *
 * <p>Object stores have no such lock: the file is written by its holder, rewritten every {@value
 * #HEARTBEAT_SECONDS} s as a heartbeat, and deleted at the end. A lock is stale, and taken over,
 * when its holder ran on this host and that process is gone, or when its heartbeat is older than
 * {@value #STALE_SECONDS} s. After writing it, a job reads it back and gives way if another job's
 * write came last; two jobs started within the same moment on object stores can still both win,
 * which is the store's limit (no conditional writes through Beam's file systems).
 */
public abstract class JobLock implements AutoCloseable {

  /** How often a lock on an object store is rewritten. */
  static final int HEARTBEAT_SECONDS = 30;

  /** How old a lock's heartbeat may be before the lock is taken over. */
  static final int STALE_SECONDS = 120;

  private static final Logger LOG = LoggerFactory.getLogger(JobLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String jobId;
  private final AtomicBoolean released = new AtomicBoolean();

  private JobLock(String jobId) {
    this.jobId = jobId;
  }

  /** The job that holds this lock. */
  public String jobId() {
    return jobId;
  }

  /** Releases the lock; later calls do nothing. */
  @Override
  public final void close() throws IOException {
    if (released.compareAndSet(false, true)) {
      release();
    }
  }

  abstract void release() throws IOException;

  static JobLock acquire(OutputFolder folder, String jobId) throws IOException {
    Holder me = Holder.now(jobId);
    return folder.local() ? Local.acquire(folder, me) : Store.acquire(folder, me);
  }

  /**
   * Who holds a lock.
   *
   * @param job the job id
   * @param host the host the holder runs on
   * @param pid the holder's process id
   * @param processStarted when that process started, to tell a reused process id
   * @param started when the job started
   * @param heartbeat when the holder last wrote the lock, epoch millis
   */
  record Holder(
      String job, String host, long pid, String processStarted, String started, long heartbeat) {

    static Holder now(String job) {
      ProcessHandle self = ProcessHandle.current();
      return new Holder(
          job,
          thisHost(),
          self.pid(),
          self.info().startInstant().map(Instant::toString).orElse(null),
          Instant.now().toString(),
          System.currentTimeMillis());
    }

    Holder beating() {
      return new Holder(job, host, pid, processStarted, started, System.currentTimeMillis());
    }

    byte[] json() {
      ObjectNode node = JSON.createObjectNode();
      node.put("job", job);
      node.put("host", host);
      node.put("pid", pid);
      node.put("processStarted", processStarted);
      node.put("started", started);
      node.put("heartbeat", heartbeat);
      return (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static Optional<Holder> parse(byte[] bytes) {
      try {
        JsonNode node = JSON.readTree(bytes);
        if (node == null || !node.hasNonNull("job")) {
          return Optional.empty();
        }
        return Optional.of(
            new Holder(
                node.path("job").asText(),
                node.path("host").asText(),
                node.path("pid").asLong(),
                node.hasNonNull("processStarted") ? node.get("processStarted").asText() : null,
                node.path("started").asText(),
                node.path("heartbeat").asLong()));
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    /** Whether the holder is certainly gone: its process ended, or it stopped beating. */
    boolean stale(long nowMillis) {
      if (nowMillis - heartbeat > STALE_SECONDS * 1000L) {
        return true;
      }
      if (!host.equals(thisHost())) {
        return false;
      }
      Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      if (process.isEmpty()) {
        return true;
      }
      Optional<String> start = process.get().info().startInstant().map(Instant::toString);
      return processStarted != null && start.isPresent() && !start.get().equals(processStarted);
    }

    String describe() {
      return "job " + job + ", process " + pid + " on " + host + ", started " + started;
    }
  }

  /** This host's name, without a DNS lookup where the kernel says it. */
  static String thisHost() {
    try {
      return Files.readString(Paths.get("/proc/sys/kernel/hostname")).trim();
    } catch (IOException | RuntimeException e) {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException unknown) {
        return "unknown-host";
      }
    }
  }

  private static FolderInUseException inUse(
      OutputFolder folder, Optional<Holder> holder, String release) {
    return new FolderInUseException(
        "Another hubbatch job is writing into "
            + folder.uri()
            + " ("
            + holder.map(Holder::describe).orElse("it has not said who it is yet")
            + "; lock "
            + folder.lockFile()
            + "). Wait for it to end or give another --output; "
            + release);
  }

  /** An operating-system lock on a local file. */
  private static final class Local extends JobLock {
    private final FileChannel channel;
    private final FileLock lock;

    private Local(String jobId, FileChannel channel, FileLock lock) {
      super(jobId);
      this.channel = channel;
      this.lock = lock;
    }

    static JobLock acquire(OutputFolder folder, Holder me) throws IOException {
      Path file = Paths.get(folder.lockFile().toString());
      Files.createDirectories(file.getParent());
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // another job of this JVM holds it
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw inUse(
            folder,
            Holder.parse(Files.readAllBytes(file)),
            "the lock goes when that process ends, however it ends.");
      }
      try {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(me.json()), 0);
        channel.force(true);
      } catch (IOException e) {
        lock.release();
        channel.close();
        throw e;
      }
      return new Local(me.job(), channel, lock);
    }

    /** Empties the file first: once released, it names no job. */
    @Override
    void release() throws IOException {
      try {
        channel.truncate(0);
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  /** A lock file with a heartbeat, for object stores. */
  private static final class Store extends JobLock {
    private final ResourceId file;
    private final ScheduledExecutorService heartbeat;

    private Store(String jobId, ResourceId file, ScheduledExecutorService heartbeat) {
      super(jobId);
      this.file = file;
      this.heartbeat = heartbeat;
    }

    static JobLock acquire(OutputFolder folder, Holder me) throws IOException {
      ResourceId file = folder.lockFile();
      Optional<Holder> current = read(file);
      String release =
          "a lock whose job is gone is taken over: at once on its host, and after "
              + STALE_SECONDS
              + " s without a heartbeat elsewhere.";
      if (current.isPresent() && !current.get().stale(System.currentTimeMillis())) {
        throw inUse(folder, current, release);
      }
      write(file, me);
      // Another job may have written at the same moment: the last write wins, the other gives way.
      Optional<Holder> written = read(file);
      if (written.isEmpty() || !written.get().job().equals(me.job())) {
        throw inUse(folder, written, release);
      }
      ScheduledExecutorService beat =
          Executors.newSingleThreadScheduledExecutor(
              work -> {
                Thread thread = new Thread(work, "hubbatch-lock-heartbeat");
                thread.setDaemon(true);
                return thread;
              });
      Holder[] holder = {me};
      beat.scheduleAtFixedRate(
          () -> {
            holder[0] = holder[0].beating();
            try {
              write(file, holder[0]);
            } catch (IOException | RuntimeException e) {
              // A missed beat only brings the lock closer to stale; the job goes on.
              LOG.warn("Could not renew the lock {}: {}", file, e.toString());
            }
          },
          HEARTBEAT_SECONDS,
          HEARTBEAT_SECONDS,
          TimeUnit.SECONDS);
      return new Store(me.job(), file, beat);
    }

    private static Optional<Holder> read(ResourceId file) throws IOException {
      if (!Resources.exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
        return Holder.parse(in.readAllBytes());
      } catch (java.io.FileNotFoundException e) {
        return Optional.empty();
      }
    }

    private static void write(ResourceId file, Holder holder) throws IOException {
      try (OutputStream out = Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT))) {
        out.write(holder.json());
      }
    }

    @Override
    void release() throws IOException {
      heartbeat.shutdownNow();
      try {
        heartbeat.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Optional<Holder> current = read(file);
      if (current.isPresent() && current.get().job().equals(jobId())) {
        Resources.deleteIfExists(file);
      }
    }
  }
}
