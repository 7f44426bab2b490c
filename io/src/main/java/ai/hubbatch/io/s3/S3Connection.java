package ai.hubbatch.io.s3;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
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
 * finds none, {@code us-east-1} is used, as S3-compatible stores expect. Credentials are never read
 * or printed here: the SDK's chain (environment, system properties, profile, instance role) or
 * Beam's {@code --awsCredentialsProvider} supplies them.
 */
public final class S3Connection {

  /** The AWS SDK's variable for an S3-only endpoint. */
  public static final String ENDPOINT_S3_VARIABLE = "AWS_ENDPOINT_URL_S3";

  /** The AWS SDK's variable for an endpoint of every service. */
  public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

  private static final Region FALLBACK_REGION = Region.US_EAST_1;

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
    if (s3.getEndpoint() == null) {
      return Optional.empty();
    }
    s3.setS3ClientFactoryClass(PathStyleS3ClientBuilderFactory.class);
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
