package ai.hubbatch.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Listing, reading and writing through Beam's s3:// file system on a real S3 server. */
class S3FileSystemTest {

  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  private S3Fixture s3;
  private PipelineOptions options;

  @BeforeEach
  void setUp() {
    s3 = new S3Fixture(server);
    options = s3.configure(TestPipeline.testingPipelineOptions());
    FileSystems.setDefaultPipelineOptions(options);
    s3.createBucket("data");
  }

  @Test
  void listsNestedPrefixesReadsAndWritesOutputsInPlace() throws Exception {
    s3.put("data", "in/a.jsonl", "1\n2\n");
    s3.put("data", "in/2024/05/b.jsonl", "3\n");
    s3.put("data", "in/_SUCCESS", "");
    s3.put("data", "other/c.jsonl", "4\n");

    List<InputFile> files = InputFiles.expand(List.of("s3://data/in/"));
    assertEquals(
        List.of("2024/05/b.jsonl", "a.jsonl"),
        files.stream().map(InputFile::relativeName).toList());
    assertEquals("s3://data/in/2024/05/b.jsonl", files.get(0).source());

    ResultsIO.Write write = ResultsIO.write().to("s3://data/out/").withInputs(files);
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(Create.of(files))
        .apply(RecordsIO.read().withEndMarkers())
        .apply(
            MapElements.into(TypeDescriptor.of(ResultRecord.class))
                .via(
                    r ->
                        r.isEnd()
                            ? ResultRecord.end(r)
                            : ResultRecord.output(r.file(), r.line(), "{\"n\":" + r.text() + "}")))
        .setCoder(ResultRecord.Coder.of())
        .apply(write);
    TestPipelines.run(pipeline);
    write.cleanUp();

    assertEquals("{\"n\":1}\n{\"n\":2}\n", s3.getText("data", "out/a.jsonl.out"));
    assertEquals("{\"n\":3}\n", s3.getText("data", "out/2024/05/b.jsonl.out"));
    assertEquals(
        List.of(
            "in/2024/05/b.jsonl",
            "in/_SUCCESS",
            "in/a.jsonl",
            "other/c.jsonl",
            "out/.hubbatch/done/2024/05/b.jsonl.jsonl",
            "out/.hubbatch/done/a.jsonl.jsonl",
            "out/2024/05/b.jsonl.out",
            "out/_errors.jsonl",
            "out/a.jsonl.out"),
        s3.keys("data"));
  }

  @Test
  void takesKeyPrefixesAndManifestsAsSageMakerDoes() throws Exception {
    s3.put("data", "in/day1.jsonl", "1\n");
    s3.put("data", "in/day1/late.jsonl", "2\n");
    s3.put("data", "in/day10.jsonl", "3\n");
    s3.put("data", "in/day2.jsonl", "4\n");
    // S3Prefix: a key prefix, not a folder; names stay relative to the prefix's folder.
    assertEquals(
        List.of("day1.jsonl", "day1/late.jsonl", "day10.jsonl"),
        InputFiles.expand(List.of("s3://data/in/day1")).stream()
            .map(InputFile::relativeName)
            .toList());

    s3.put(
        "data",
        "manifests/m.json",
        "[{\"prefix\": \"s3://data/in/\"}, \"day2.jsonl\", \"day1/late.jsonl\"]");
    List<InputFile> listed = InputFiles.fromManifest("s3://data/manifests/m.json");
    assertEquals(
        List.of(
            new InputFile(0, "s3://data/in/day1/late.jsonl", "day1/late.jsonl"),
            new InputFile(1, "s3://data/in/day2.jsonl", "day2.jsonl")),
        listed.stream().map(f -> new InputFile(f.index(), f.source(), f.relativeName())).toList());
    // Each object's version is its size, time and ETag, as S3 lists them.
    String etag = s3.client().headObject(b -> b.bucket("data").key("in/day2.jsonl")).eTag();
    assertTrue(listed.get(1).version().startsWith("size=2 modified="), listed.get(1).version());
    assertTrue(listed.get(1).version().endsWith(" checksum=" + etag), listed.get(1).version());
  }
}
