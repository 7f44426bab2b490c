package ai.hubbatch.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.TestPipeline;

/**
 * A job of the sink alone, for the fault suite: three inputs (25 records in three chunks of 10, 3
 * in a subfolder, none), a few failed records, written into a folder as the launcher does it
 * (begin, write, clean up), whole or resumed.
 */
final class SinkJob {

  static final List<InputFile> INPUTS =
      List.of(
          new InputFile(0, "/data/a.jsonl", "a.jsonl", "size=90000 modified=1"),
          new InputFile(1, "/data/sub/b.jsonl", "sub/b.jsonl", "size=60 modified=2"),
          new InputFile(2, "/data/empty.jsonl", "empty.jsonl", "size=0 modified=3"));

  /** Each input's records. */
  static final Map<String, Long> RECORDS =
      Map.of("a.jsonl", 25L, "sub/b.jsonl", 3L, "empty.jsonl", 0L);

  private SinkJob() {}

  /** The results of a run whose outputs carry {@code run}, so two runs' outputs differ. */
  static List<ResultRecord> results(String run) {
    List<ResultRecord> results = new ArrayList<>();
    for (long line = 1; line <= 25; line++) {
      results.add(
          line % 10 == 7
              ? ResultRecord.error(0, line, "bad " + line, "raw " + line)
              : ResultRecord.output(0, line, "{\"n\":" + line + ",\"run\":\"" + run + "\"}"));
    }
    results.add(ResultRecord.output(1, 2, "{\"embeddings\":[1.5,2.0]}"));
    results.add(ResultRecord.error(1, 3, "not JSON", "{oops"));
    results.add(ResultRecord.output(1, 5, "{\"run\":\"" + run + "\"}"));
    return results;
  }

  /**
   * Runs the job into a folder with the run's name as its digest; with {@code resume}, only the
   * inputs the folder does not hold complete.
   *
   * @throws org.apache.beam.sdk.Pipeline.PipelineExecutionException if the pipeline failed
   */
  static void run(String folder, String run, boolean resume) throws IOException {
    run(folder, run, resume, TestPipeline.testingPipelineOptions());
  }

  /** {@link #run(String, String, boolean)} with these options (an S3 endpoint, say). */
  static void run(String folder, String run, boolean resume, PipelineOptions options)
      throws IOException {
    FileSystems.setDefaultPipelineOptions(options);
    OutputFolder output = OutputFolder.at(folder);
    List<WrittenFile> complete =
        resume ? output.complete(INPUTS, run, OutputFormat.JSONL) : List.of();
    String jobId = UUID.randomUUID().toString();
    output.begin(jobId);
    ResultsIO.Write write =
        ResultsIO.write()
            .to(folder)
            .withInputs(INPUTS)
            .withChunkRecords(10)
            .withJobId(jobId)
            .withJobDigest(run)
            .withComplete(complete);
    Set<Integer> pending = new HashSet<>();
    write.pending().forEach(input -> pending.add(input.index()));
    Pipeline pipeline = Pipeline.create(options);
    TestPipelines.results(
            pipeline,
            results(run).stream().filter(r -> pending.contains(r.file())).toList(),
            pending)
        .apply(write);
    try {
      TestPipelines.run(pipeline);
    } finally {
      try {
        TestPipelines.awaitWorkersGone();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      write.cleanUp();
    }
  }
}
