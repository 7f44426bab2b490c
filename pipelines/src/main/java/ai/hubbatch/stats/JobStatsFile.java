package ai.hubbatch.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.PCollection;

/**
 * Merges the statistics of every bundle into one {@link JobStats} and leaves it in a file, for the
 * program that ran the pipeline to read once the job finished. The file is internal to one job
 * (Java serialization of one version's classes, see {@link JobStatsCoder}), so it belongs in the
 * job's temporary folder.
 *
 * <pre>{@code
 * bundleStats.apply("Stats", JobStatsFile.write(folder + "stats"));
 * pipeline.run().waitUntilFinish();
 * JobStats stats = JobStatsFile.read(folder + "stats");
 * }</pre>
 */
public final class JobStatsFile {

  private static final Coder<JobStats> CODER = new JobStatsCoder();

  private JobStatsFile() {}

  /** The coder of a {@code PCollection<JobStats>}. */
  public static Coder<JobStats> coder() {
    return CODER;
  }

  /**
   * Merges the collection and writes the result to {@code path}, a path or URI any Beam file system
   * takes. An empty collection writes empty statistics, so a finished job always has them.
   */
  public static PTransform<PCollection<JobStats>, PCollection<Void>> write(String path) {
    return new PTransform<>() {
      @Override
      public PCollection<Void> expand(PCollection<JobStats> stats) {
        return stats
            .apply("MergeStats", Combine.globally(new MergeFn()))
            .setCoder(CODER)
            .apply("WriteStats", ParDo.of(new WriteFn(path)));
      }
    };
  }

  /** The statistics a finished job left at {@code path}; empty ones if it left none. */
  public static JobStats read(String path) throws IOException {
    MatchResult match = FileSystems.match(List.of(path), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
      return new JobStats();
    }
    ResourceId file = match.metadata().get(0).resourceId();
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      return CODER.decode(in);
    }
  }

  /** Adds up bundles' statistics. */
  static final class MergeFn extends Combine.CombineFn<JobStats, JobStats, JobStats> {
    @Override
    public JobStats createAccumulator() {
      return new JobStats();
    }

    @Override
    public JobStats addInput(JobStats accumulator, JobStats input) {
      return accumulator.merge(input);
    }

    @Override
    public JobStats mergeAccumulators(Iterable<JobStats> accumulators) {
      JobStats merged = new JobStats();
      accumulators.forEach(merged::merge);
      return merged;
    }

    @Override
    public JobStats extractOutput(JobStats accumulator) {
      return accumulator;
    }

    @Override
    public Coder<JobStats> getAccumulatorCoder(CoderRegistry registry, Coder<JobStats> input) {
      return CODER;
    }

    @Override
    public Coder<JobStats> getDefaultOutputCoder(CoderRegistry registry, Coder<JobStats> input) {
      return CODER;
    }
  }

  /** Writes the merged statistics; a retry overwrites the same file with the same content. */
  static final class WriteFn extends DoFn<JobStats, Void> {
    private final String path;

    WriteFn(String path) {
      this.path = path;
    }

    @ProcessElement
    public void process(@Element JobStats stats) throws IOException {
      ResourceId file = FileSystems.matchNewResource(path, false);
      try (OutputStream out =
          Channels.newOutputStream(FileSystems.create(file, MimeTypes.BINARY))) {
        CODER.encode(stats, out);
      }
    }
  }
}
