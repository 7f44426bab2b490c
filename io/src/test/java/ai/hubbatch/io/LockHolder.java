package ai.hubbatch.io;

import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * A process that takes an output folder's lock as a job would, says so on stdout, and holds it
 * until it is killed: the other job of {@link JobLockTest}.
 */
public final class LockHolder {

  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    JobLock lock = OutputFolder.at(args[0]).lock("held-by-another-process");
    System.out.println("locked " + ProcessHandle.current().pid() + " " + lock.jobId());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
