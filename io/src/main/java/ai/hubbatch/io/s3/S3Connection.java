package ai.hubbatch.io.s3;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.io.aws2.s3.DefaultS3ClientBuilderFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

/**
 * How hubbatch reaches S3: through Beam's {@code s3://} file system, with the AWS SDK's default
 * credential chain and region, and optionally another endpoint for an S3-compatible store.
 *
 * <pre>{@code
 * S3Connection.register();                       // before parsing Beam options
 * PipelineOptions options = PipelineOptionsFactory.fromArgs(args).create();
 * S3Connection.configure(options, Optional.ofNullable(endpointOption), System.getenv());
 * FileSystems.setDefaultPipelineOptions(options);
 * }</pre>
 *
 * <p>The endpoint is the one given, else {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}
 * (the SDK's standard variables), else Beam's {@code --endpoint}. Whenever there is one, buckets
 * are addressed path-style, and a region is still needed to sign requests: when the default chain
 * finds none, {@code us-east-1} is used, as S3-compatible stores expect. Requests carry only the
 * encryption headers asked for ({@link S3ClientFactory}). Credentials are never printed here: the
 * SDK's chain (environment, system properties, profile, instance role) or Beam's {@code
 * --awsCredentialsProvider} supplies them, and {@link #checkCredentials} only asks whether there
 * are any.
 */
public final class S3Connection {

  /** The AWS SDK's variable for an S3-only endpoint. */
  public static final String ENDPOINT_S3_VARIABLE = "AWS_ENDPOINT_URL_S3";

  /** The AWS SDK's variable for an endpoint of every service. */
  public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

  private static final Region FALLBACK_REGION = Region.US_EAST_1;

  /** SSE-S3, S3-managed keys. */
  public static final String AES256 = "AES256";

  /** SSE-KMS, keys in AWS KMS. */
  public static final String AWS_KMS = "aws:kms";

  private S3Connection() {}

  /** Makes Beam's S3 options ({@code --awsRegion}, {@code --endpoint}, ...) parseable. */
  public static void register() {
    PipelineOptionsFactory.register(S3Options.class);
  }

  /**
   * Points the options' S3 file system at the endpoint, if any.
   *
   * @param endpoint the endpoint the user gave, if any
   * @param environment the process environment, for the SDK's endpoint variables
   * @return the endpoint in use, if any
   * @throws IllegalArgumentException if the endpoint is not an http(s) URL
   */
  public static Optional<URI> configure(
      PipelineOptions options, Optional<String> endpoint, Map<String, String> environment) {
    S3Options s3 = options.as(S3Options.class);
    Optional<String> chosen =
        endpoint
            .filter(e -> !e.isBlank())
            .or(() -> Optional.ofNullable(environment.get(ENDPOINT_S3_VARIABLE)))
            .or(() -> Optional.ofNullable(environment.get(ENDPOINT_VARIABLE)))
            .filter(e -> !e.isBlank());
    chosen.ifPresent(e -> s3.setEndpoint(parse(e)));
    if (s3.getS3ClientFactoryClass() == DefaultS3ClientBuilderFactory.class) {
      // Beam's own; a factory the user named stays theirs.
      s3.setS3ClientFactoryClass(S3ClientFactory.class);
    }
    if (s3.getEndpoint() == null) {
      return Optional.empty();
    }
    if (s3.getAwsRegion() == null) {
      s3.setAwsRegion(FALLBACK_REGION);
    }
    return Optional.of(s3.getEndpoint());
  }

  /**
   * Names a region for a job that reads and writes no S3 object, unless the arguments name one
   * ({@code --awsRegion}). Beam builds its S3 file system for every job, and with no region
   * configured the SDK's lookup ends by asking the EC2 instance metadata service, which off EC2
   * waits for a timeout: 0.8 s of every local run's start, measured. Such a job never signs an S3
   * request, so the region named does not matter.
   *
   * @param beamArgs the job's Beam arguments
   */
  public static void skipRegionLookup(PipelineOptions options, List<String> beamArgs) {
    if (beamArgs.stream().noneMatch(a -> a.startsWith("--awsRegion"))) {
      options.as(S3Options.class).setAwsRegion(FALLBACK_REGION);
    }
  }

  /**
   * Server-side encryption of the objects a job writes, as asked: {@code AES256} (SSE-S3), {@code
   * aws:kms} (SSE-KMS, with the bucket's default key unless a key is given), or a KMS key alone,
   * which means {@code aws:kms} with that key (a transform job's {@code KmsKeyId}). Nothing asked,
   * nothing sent.
   *
   * @throws IllegalArgumentException for another algorithm, or a key with {@code AES256}
   */
  public static void encryption(
      PipelineOptions options, Optional<String> algorithm, Optional<String> kmsKeyId) {
    Optional<String> key = kmsKeyId.map(String::trim).filter(k -> !k.isEmpty());
    Optional<String> chosen =
        algorithm.map(String::trim).filter(a -> !a.isEmpty()).or(() -> key.map(k -> AWS_KMS));
    if (chosen.isEmpty()) {
      return;
    }
    String sse = chosen.get();
    if (!sse.equals(AES256) && !sse.equals(AWS_KMS)) {
      throw new IllegalArgumentException(
          "Unknown --s3-sse '" + sse + "': use " + AES256 + " or " + AWS_KMS);
    }
    if (sse.equals(AES256) && key.isPresent()) {
      throw new IllegalArgumentException(
          "A KMS key (--s3-kms-key-id, KmsKeyId) needs --s3-sse " + AWS_KMS + ", not " + AES256);
    }
    S3Options s3 = options.as(S3Options.class);
    s3.setSSEAlgorithm(sse);
    key.ifPresent(s3::setSSEKMSKeyId);
  }

  /**
   * Checks that credentials for S3 can be found, without sending a request and without showing
   * them: a job that needs S3 fails now, naming the ways to give them, not after its model loaded.
   *
   * @throws IllegalArgumentException if the credential chain finds none
   */
  public static void checkCredentials(PipelineOptions options) {
    try {
      options.as(AwsOptions.class).getAwsCredentialsProvider().resolveCredentials();
    } catch (SdkClientException e) {
      throw new IllegalArgumentException(
          "No AWS credentials were found for S3: set AWS_ACCESS_KEY_ID and "
              + "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or AWS_PROFILE"
              + " with ~/.aws/credentials, or run with an instance role, or pass Beam's "
              + "--awsCredentialsProvider=... ("
              + e.getMessage()
              + ")");
    }
  }

  private static URI parse(String endpoint) {
    // The message never repeats the value: a URL may carry a user and password.
    String problem =
        "The S3 endpoint must be an http:// or https:// URL such as " + "http://localhost:9000";
    URI uri;
    try {
      uri = URI.create(endpoint.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(problem);
    }
    if (uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(problem);
    }
    return uri;
  }
}
