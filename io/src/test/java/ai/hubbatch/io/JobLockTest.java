package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jobs into one output folder: the second is refused with the first one named, and a job that
 * was killed does not leave the folder locked, on a local disk and on S3.
 */
class JobLockTest {

  @TempDir Path dir;
  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();

  @Test
  void aSecondJobIsRefusedNamingTheFirstUntilItEnds() throws Exception {
    FileSystems.setDefaultPipelineOptions(TestPipeline.testingPipelineOptions());
    OutputFolder folder = OutputFolder.at(dir.resolve("out").toString());
    try (JobLock first = folder.lock("first-job")) {
      FolderInUseException refused =
          assertThrows(FolderInUseException.class, () -> folder.lock("second-job"));
      assertTrue(
          refused.getMessage().startsWith("Another hubbatch job is writing into " + folder.uri()),
          refused.getMessage());
      assertTrue(
          refused
              .getMessage()
              .contains("job first-job, process " + ProcessHandle.current().pid() + " on "),
          refused.getMessage());
    }
    assertEquals(0, Files.size(dir.resolve("out/.hubbatch/lock")), "a released lock names no job");
    folder.lock("second-job").close();
  }

  @Test
  void aKilledJobLeavesNoLockBehind() throws Exception {
    FileSystems.setDefaultPipelineOptions(TestPipeline.testingPipelineOptions());
    Path out = dir.resolve("out");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                out.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String said =
          new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertTrue(said != null && said.startsWith("locked " + holder.pid()), String.valueOf(said));
      OutputFolder folder = OutputFolder.at(out.toString());
      FolderInUseException refused =
          assertThrows(FolderInUseException.class, () -> folder.lock("mine"));
      assertTrue(
          refused.getMessage().contains("job held-by-another-process, process " + holder.pid()),
          refused.getMessage());
      holder.destroyForcibly(); // kill -9: no hook runs
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
      folder.lock("mine").close();
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void onS3AStaleLockIsTakenOverAndALiveOneIsNot() throws Exception {
    S3Fixture s3 = new S3Fixture(server);
    s3.createBucket("out");
    PipelineOptions options = s3.configure(TestPipeline.testingPipelineOptions());
    FileSystems.setDefaultPipelineOptions(options);
    OutputFolder folder = OutputFolder.at("s3://out/job/");
    try (JobLock first = folder.lock("first-job")) {
      assertThrows(FolderInUseException.class, () -> folder.lock("second-job"));
      assertEquals(List.of("job/.hubbatch/lock"), s3.keys("out"));
    }
    assertEquals(List.of(), s3.keys("out"), "released: the lock object is gone");

    long now = System.currentTimeMillis();
    // A job on this host whose process is gone (a process that has ended: this test's child).
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    write(folder, new JobLock.Holder("killed", JobLock.thisHost(), ended.pid(), null, "then", now));
    folder.lock("after-a-kill").close();
    // A job elsewhere that stopped beating.
    write(
        folder,
        new JobLock.Holder(
            "silent", "another-host", 1, null, "then", now - JobLock.STALE_SECONDS * 1000L - 1));
    folder.lock("after-silence").close();
    // A job elsewhere that is alive.
    write(folder, new JobLock.Holder("alive", "another-host", 1, null, "now", now));
    FolderInUseException refused =
        assertThrows(FolderInUseException.class, () -> folder.lock("mine"));
    assertTrue(refused.getMessage().contains("job alive, process 1 on another-host"));
  }

  private static void write(OutputFolder folder, JobLock.Holder holder) throws Exception {
    try (OutputStream out =
        Channels.newOutputStream(FileSystems.create(folder.lockFile(), "application/json"))) {
      out.write(holder.json());
    }
  }
}
