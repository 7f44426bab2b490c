package ai.hubbatch.io.s3;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's S3 client as hubbatch configures it; Beam takes it through {@code --s3ClientFactoryClass},
 * which {@link S3Connection#configure} sets.
 *
 * <ul>
 *   <li>Requests carry only the encryption headers the user asked for ({@link
 *       RequestedEncryption}): Beam's writer otherwise sends {@code
 *       x-amz-server-side-encryption-bucket-key-enabled: false} with every upload and copy, which
 *       stores without that feature refuse (s3proxy's filesystem store answers 501).
 *   <li>With an endpoint (an S3-compatible store: MinIO, Ceph, s3proxy, LocalStack), buckets are
 *       addressed path-style ({@code http://host:port/bucket/key}), which Beam has no option for,
 *       and checksums are sent and checked only where S3 requires them: the SDK's newer default (a
 *       CRC on every upload) is not understood by every such store.
 * </ul>
 */
public final class S3ClientFactory implements S3ClientBuilderFactory {

  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    S3ClientBuilder builder = new DefaultS3ClientBuilderFactory().createBuilder(options);
    // Added to Beam's configuration (retries, timeouts from its options), not in its place.
    builder.overrideConfiguration(
        builder.overrideConfiguration().toBuilder()
            .addExecutionInterceptor(new RequestedEncryption())
            .build());
    if (options.getEndpoint() == null) {
      return builder;
    }
    return builder
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
  }
}
