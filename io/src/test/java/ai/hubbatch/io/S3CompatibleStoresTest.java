package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hubbatch.io.s3.S3Connection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Self-hosted S3-compatible stores: s3proxy's filesystem store, which answers 501 to encryption
 * settings it does not implement, takes a whole job; the requests carry encryption headers only
 * when the user asked for encryption.
 */
class S3CompatibleStoresTest {

  @RegisterExtension final S3ProxyExtension filesystem = S3Fixture.server("filesystem");
  @RegisterExtension final S3ProxyExtension transientStore = S3Fixture.server("transient");

  @Test
  void aJobWritesIntoTheFilesystemStore() throws Exception {
    S3Fixture s3 = new S3Fixture(filesystem);
    s3.createBucket("out");
    PipelineOptions options = s3.configure(TestPipeline.testingPipelineOptions());
    SinkJob.run("s3://out/job/", "now", false, options);
    FileSystems.setDefaultPipelineOptions(options);
    Map<String, String> written = FolderState.read("s3://out/job/");
    FolderState.assertAccountsFor(written, SinkJob.RECORDS);
    assertTrue(written.get("a.jsonl.out").startsWith("{\"n\":1,\"run\":\"now\"}\n"));
  }

  @Test
  void encryptionHeadersAreSentOnlyWhenAskedFor() throws Exception {
    S3Fixture s3 = new S3Fixture(transientStore);
    s3.createBucket("out");
    try (FaultProxy proxy = FaultProxy.start(s3.endpoint())) {
      PipelineOptions plain = s3.configure(TestPipeline.testingPipelineOptions(), proxy.uri());
      SinkJob.run("s3://out/plain/", "now", false, plain);
      List<String> heads = proxy.heads();
      assertTrue(heads.stream().anyMatch(h -> h.startsWith("POST /out/plain/")), "uploads seen");
      assertFalse(
          heads.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).contains("x-amz-server-side")),
          "no encryption header unless asked for");

      PipelineOptions sse = s3.configure(TestPipeline.testingPipelineOptions(), proxy.uri());
      S3Connection.encryption(sse, Optional.of("AES256"), Optional.empty());
      proxy.plan(n -> FaultProxy.Fault.PASS);
      SinkJob.run("s3://out/sse/", "now", false, sse);
      List<String> uploads =
          proxy.heads().stream()
              .filter(h -> h.startsWith("POST /out/sse/") && h.contains("?uploads"))
              .toList();
      assertFalse(uploads.isEmpty());
      for (String upload : uploads) {
        String lower = upload.toLowerCase(Locale.ROOT);
        assertTrue(lower.contains("\r\nx-amz-server-side-encryption: aes256"), upload);
        assertFalse(lower.contains("bucket-key-enabled"), upload);
      }

      PipelineOptions kms = s3.configure(TestPipeline.testingPipelineOptions(), proxy.uri());
      S3Connection.encryption(kms, Optional.empty(), Optional.of("alias/hubbatch-test"));
      proxy.plan(n -> FaultProxy.Fault.PASS);
      FileSystems.setDefaultPipelineOptions(kms);
      try (var channel =
          FileSystems.create(FileSystems.matchNewResource("s3://out/kms/x", false), "text/plain")) {
        channel.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
      } catch (java.io.IOException | RuntimeException storeWithoutKms) {
        // s3proxy has no KMS; what matters is what was asked of it.
      }
      String first =
          proxy.heads().stream()
              .filter(h -> h.contains("?uploads"))
              .findFirst()
              .orElseThrow()
              .toLowerCase(Locale.ROOT);
      assertTrue(first.contains("\r\nx-amz-server-side-encryption: aws:kms"), first);
      assertTrue(
          first.contains("\r\nx-amz-server-side-encryption-aws-kms-key-id: alias/hubbatch-test"),
          first);
    }
    assertEquals(
        "Unknown --s3-sse 'aws:kms:dsse': use AES256 or aws:kms",
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () ->
                    S3Connection.encryption(
                        TestPipeline.testingPipelineOptions(),
                        Optional.of("aws:kms:dsse"),
                        Optional.empty()))
            .getMessage());
  }
}
