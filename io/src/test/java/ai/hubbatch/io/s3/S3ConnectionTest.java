package ai.hubbatch.io.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class S3ConnectionTest {

  static {
    S3Connection.register();
  }

  @Test
  void aJobWithoutS3GetsARegionWithoutTheLookup() {
    List<String> args = List.of("--runner=DirectRunner");
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).create();
    S3Connection.skipRegionLookup(options, args);
    assertEquals(Region.US_EAST_1, options.as(S3Options.class).getAwsRegion());
  }

  @Test
  void aRegionTheUserNamedIsKept() {
    List<String> args = List.of("--awsRegion=eu-west-3");
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).create();
    S3Connection.skipRegionLookup(options, args);
    assertEquals(Region.EU_WEST_3, options.as(S3Options.class).getAwsRegion());
  }
}
