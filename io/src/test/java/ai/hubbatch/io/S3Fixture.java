package ai.hubbatch.io;

import ai.hubbatch.io.s3.S3Connection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.io.aws2.common.HttpClientConfiguration;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 server in the test JVM (s3proxy, in-memory, checking SigV4 signatures), and a plain SDK
 * client for tests to set up and inspect buckets. The code under test reaches it only through
 * Beam's {@code s3://} file system, configured by {@link S3Connection}.
 *
 * <pre>{@code
 * @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
 * S3Fixture s3 = new S3Fixture(server);
 * s3.createBucket("in");
 * PipelineOptions options = s3.configure(TestPipeline.testingPipelineOptions());
 * }</pre>
 */
public final class S3Fixture {

  public static final String ACCESS_KEY = "hubbatch-test-access";
  public static final String SECRET_KEY = "hubbatch-test-secret";

  private final S3ProxyExtension server;
  private S3Client client;

  public S3Fixture(S3ProxyExtension server) {
    this.server = server;
  }

  /**
   * The server: s3proxy's {@code transient} store, the one that accepts the encryption headers
   * Beam's writer always sends.
   */
  public static S3ProxyExtension server() {
    return server("transient");
  }

  /**
   * A server with another of s3proxy's stores: {@code filesystem} keeps objects in a temporary
   * folder and, like many self-hosted stores, refuses encryption settings it does not implement.
   */
  public static S3ProxyExtension server(String store) {
    return S3ProxyExtension.builder()
        .withBlobStoreProvider(store)
        .withCredentials(ACCESS_KEY, SECRET_KEY)
        .ignoreUnknownHeaders()
        .build();
  }

  public URI endpoint() {
    return server.getUri();
  }

  /** Beam's {@code --awsCredentialsProvider} value for the server's credentials. */
  public static String credentialsOption() {
    return "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\",\"accessKeyId\":\""
        + ACCESS_KEY
        + "\",\"secretAccessKey\":\""
        + SECRET_KEY
        + "\"}";
  }

  /** Points the options at this server, as the CLI does for {@code --s3-endpoint}. */
  public <T extends PipelineOptions> T configure(T options) {
    return configure(options, endpoint());
  }

  /**
   * Points the options at another endpoint in front of this server ({@link FaultProxy}), with
   * timeouts of a second, so a stalled request is given up and retried quickly.
   */
  public <T extends PipelineOptions> T configure(T options, URI endpoint) {
    S3Connection.register();
    AwsOptions aws = options.as(AwsOptions.class);
    aws.setAwsCredentialsProvider(
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
    if (!endpoint.equals(endpoint())) {
      aws.setHttpClientConfiguration(
          HttpClientConfiguration.builder().socketTimeout(1000).connectionTimeout(1000).build());
    }
    S3Connection.configure(options, Optional.of(endpoint.toString()), Map.of());
    return options;
  }

  public S3Client client() {
    if (client == null) {
      client =
          S3Client.builder()
              .endpointOverride(endpoint())
              .forcePathStyle(true)
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
              .build();
    }
    return client;
  }

  public void createBucket(String bucket) {
    client().createBucket(b -> b.bucket(bucket));
  }

  public void put(String bucket, String key, byte[] bytes) {
    client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  public void put(String bucket, String key, String text) {
    put(bucket, key, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public byte[] get(String bucket, String key) {
    return client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  public String getText(String bucket, String key) {
    return new String(get(bucket, key), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Every key in the bucket, sorted. */
  public List<String> keys(String bucket) {
    List<String> keys = new ArrayList<>();
    for (S3Object object : client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      keys.add(object.key());
    }
    keys.sort(null);
    return keys;
  }
}
