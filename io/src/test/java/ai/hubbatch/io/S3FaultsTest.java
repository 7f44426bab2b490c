package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink's commits against an S3 server behind {@link FaultProxy}: a request that fails once,
 * stalls or is cut off is retried and changes nothing; an outage from any request on leaves a
 * prefix that says only what is true (the issue: one {@code .out} committed, {@code _errors.jsonl}
 * missing), and {@code --resume} then writes exactly the uninterrupted run's objects.
 *
 * <p>The outage starts at {@value #POINTS} requests spread over the job's requests; {@code
 * -Dhubbatch.faults.soak=true} (the {@code fault-soak} profile) starts one at every request.
 */
class S3FaultsTest {

  private static final int POINTS = 6;

  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  private S3Fixture s3;
  private FaultProxy proxy;
  private PipelineOptions direct;
  private PipelineOptions faulty;

  @BeforeEach
  void setUp() throws Exception {
    s3 = new S3Fixture(server);
    s3.createBucket("out");
    proxy = FaultProxy.start(s3.endpoint());
    direct = s3.configure(TestPipeline.testingPipelineOptions());
    faulty = s3.configure(TestPipeline.testingPipelineOptions(), proxy.uri());
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
  }

  private Map<String, String> read(String folder) {
    FileSystems.setDefaultPipelineOptions(direct);
    return FolderState.read(folder);
  }

  /**
   * A failed or stalled request is retried by the S3 client and the job succeeds. A connection cut
   * in the middle of an answer may not be retried (the client cannot parse half an XML answer):
   * then the job fails, and what it left is truthful and resumable like any other failure.
   */
  @Test
  void aFailedStalledOrCutRequestIsRetriedOrFailsTheJobCleanly() throws Exception {
    SinkJob.run("s3://out/reference/", "now", false, direct);
    Map<String, String> reference = read("s3://out/reference/");
    FolderState.assertAccountsFor(reference, SinkJob.RECORDS);
    int n = 3;
    for (FaultProxy.Fault fault :
        List.of(FaultProxy.Fault.FAIL, FaultProxy.Fault.STALL, FaultProxy.Fault.CUT)) {
      int target = n;
      proxy.plan(request -> request == target ? fault : FaultProxy.Fault.PASS);
      String folder = "s3://out/" + fault + "/";
      boolean failed = false;
      try {
        SinkJob.run(folder, "now", false, faulty);
      } catch (RuntimeException e) {
        failed = true;
      }
      assertTrue(proxy.requests() >= target, fault + " happened");
      assertEquals(
          fault == FaultProxy.Fault.CUT && failed,
          failed,
          fault + " on request " + target + " is retried");
      if (failed) {
        FolderState.assertConsistent(
            fault + " on request " + target, read(folder), List.of(reference));
        SinkJob.run(folder, "now", true, direct);
      }
      assertEquals(reference, read(folder), fault + " on request " + target);
      n += 11;
    }
  }

  @Test
  void anOutageFromAnyRequestLeavesATruthfulPrefixAndResumeFinishesIt() throws Exception {
    SinkJob.run("s3://out/earlier/", "earlier", false, direct);
    Map<String, String> earlier = read("s3://out/earlier/");
    SinkJob.run("s3://out/reference/", "now", false, direct);
    Map<String, String> reference = read("s3://out/reference/");

    // How many requests the job makes over an earlier run's objects, with no fault.
    copy("earlier/", "count/");
    proxy.plan(request -> FaultProxy.Fault.PASS);
    SinkJob.run("s3://out/count/", "now", false, faulty);
    int requests = proxy.requests();
    assertEquals(reference, read("s3://out/count/"), "through the proxy, unharmed");

    for (int start : starts(requests)) {
      String prefix = "outage-" + start + "/";
      copy("earlier/", prefix);
      proxy.plan(request -> request >= start ? FaultProxy.Fault.FAIL : FaultProxy.Fault.PASS);
      String folder = "s3://out/" + prefix;
      try {
        SinkJob.run(folder, "now", false, faulty);
      } catch (RuntimeException | java.io.IOException failed) {
        // The job failed, as it should with S3 gone: what it left is checked below.
      }
      Map<String, String> after = read(folder);
      FolderState.assertConsistent(
          "S3 down from request " + start + " of " + requests, after, List.of(earlier, reference));
      SinkJob.run(folder, "now", true, direct);
      assertEquals(reference, read(folder), "resumed after S3 went down at request " + start);
    }
  }

  /** The requests an outage starts at: spread over the job, or every one in the soak. */
  private static List<Integer> starts(int requests) {
    List<Integer> starts = new ArrayList<>();
    if (Boolean.getBoolean("hubbatch.faults.soak")) {
      for (int n = 1; n <= requests; n++) {
        starts.add(n);
      }
      return starts;
    }
    for (int i = 0; i < POINTS; i++) {
      starts.add(1 + (int) ((long) i * (requests - 1) / (POINTS - 1)));
    }
    return starts;
  }

  private void copy(String from, String to) {
    for (String key : s3.keys("out")) {
      if (key.startsWith(from)) {
        String target = to + key.substring(from.length());
        s3.client()
            .copyObject(
                b ->
                    b.sourceBucket("out")
                        .sourceKey(key)
                        .destinationBucket("out")
                        .destinationKey(target));
      }
    }
  }
}
