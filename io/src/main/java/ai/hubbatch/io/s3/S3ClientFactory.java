package ai.hubbatch.io.s3;

import org.apache.beam.sdk.io.aws2.options.S3ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Beam's S3 client, addressed path-style ({@code http://host:port/bucket/key}) as S3-compatible
 * stores (MinIO, Ceph, s3proxy, LocalStack) need. Beam has no path-style option; it takes this
 * class through {@code --s3ClientFactoryClass}, which {@link S3Connection} sets whenever an
 * endpoint is given.
 *
 * <p>Checksums are sent and checked only where S3 requires them: the SDK's newer default (a CRC on
 * every upload) is not understood by every S3-compatible store.
 */
public final class PathStyleS3ClientBuilderFactory implements S3ClientBuilderFactory {

  @Override
  public S3ClientBuilder createBuilder(S3Options options) {
    return new DefaultS3ClientBuilderFactory()
        .createBuilder(options)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
  }
}
