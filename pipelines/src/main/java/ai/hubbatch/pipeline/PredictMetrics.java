package ai.hubbatch.pipeline;

import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.batch.Notice;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.stats.JobStats;
import ai.hubbatch.stats.PeakMemory;
import java.io.Serializable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the predict step counts, in one place (as Beam's RunInference keeps a metrics collector):
 * the Beam metrics every runner's UI and the summary show ({@link HubbatchMetrics}), this JVM's
 * live progress ({@link LocalProgress}), and the bundle's {@link JobStats}, which the step emits at
 * the end of each bundle for the run report.
 *
 * <p>Belongs to one predict step instance, which Beam uses from one thread at a time.
 */
final class PredictMetrics implements InferenceListener, Serializable {

  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(PredictMetrics.class);

  /** Notice kinds this JVM has logged a first example of; later ones log at debug level. */
  private static final Set<String> NOTICES_LOGGED = ConcurrentHashMap.newKeySet();

  /** Models whose load time this JVM reported: once per load, however many steps share it. */
  private static final Set<LoadedModel> LOADS_REPORTED = ConcurrentHashMap.newKeySet();

  private final Counter out =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.RECORDS_OUT);
  private final Counter failed =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.RECORDS_FAILED);
  private final Counter inferences =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.NUM_INFERENCES);
  private final Counter batches =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.BATCHES);
  private final Counter failedBatches =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.FAILED_BATCHES);
  private final Counter realTokens =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.REAL_TOKENS);
  private final Counter paddedTokens =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.PADDED_TOKENS);
  private final Distribution batchSize =
      Metrics.distribution(HubbatchMetrics.NAMESPACE, HubbatchMetrics.BATCH_SIZE);
  private final Distribution batchTokens =
      Metrics.distribution(HubbatchMetrics.NAMESPACE, HubbatchMetrics.BATCH_PADDED_TOKENS);
  private final Distribution latency =
      Metrics.distribution(HubbatchMetrics.NAMESPACE, HubbatchMetrics.BATCH_LATENCY);
  private final Distribution paddingEfficiency =
      Metrics.distribution(HubbatchMetrics.NAMESPACE, HubbatchMetrics.BATCH_PADDING_EFFICIENCY);
  private final Distribution loadLatency =
      Metrics.distribution(HubbatchMetrics.NAMESPACE, HubbatchMetrics.LOAD_MODEL_LATENCY);
  private final Counter generated =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.GENERATED_TOKENS);
  private final Counter stepRows =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.STEP_ROWS);
  private final Counter stepSlots =
      Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.STEP_SLOTS);

  private transient JobStats bundle;

  /** A bundle starts: the model's load time, once per JVM, and fresh statistics. */
  void startBundle(LoadedModel model) {
    // Metrics count only inside a bundle (not in @Setup, where the model loads).
    if (LOADS_REPORTED.add(model)) {
      loadLatency.update(model.loadMillis());
    }
    bundle = new JobStats();
  }

  /** A record got its output or its error. */
  void result(boolean error) {
    if (error) {
      failed.inc();
      LocalProgress.failed(1);
    } else {
      out.inc();
    }
    LocalProgress.done(1);
    bundle.recordResult(System.currentTimeMillis(), error);
  }

  /** An engine call returned. */
  @Override
  public void onBatch(BatchReport report) {
    bundle.recordBatch(
        System.currentTimeMillis(),
        report.items(),
        report.realCost(),
        report.paddedCost(),
        report.nanos(),
        report.failed(),
        report.generated(),
        report.slots());
    batches.inc();
    if (report.failed()) {
      failedBatches.inc();
      return;
    }
    generated.inc(report.generated());
    if (report.slots() > 0) {
      stepRows.inc(report.items());
      stepSlots.inc(report.slots());
    }
    inferences.inc(report.items());
    realTokens.inc(report.realCost());
    paddedTokens.inc(report.paddedCost());
    LocalProgress.tokens(report.realCost(), report.paddedCost());
    batchSize.update(report.items());
    batchTokens.update(report.paddedCost());
    if (report.paddedCost() > 0) {
      paddingEfficiency.update(1000L * report.realCost() / report.paddedCost());
    }
    latency.update(report.nanos() / 1000);
  }

  /** An input's notice: counted by kind for the summary; the first of each kind logged. */
  @Override
  public void onNotice(Notice notice) {
    Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.NOTICE_PREFIX + notice.kind()).inc();
    if (NOTICES_LOGGED.add(notice.kind())) {
      LOG.warn("{} (further ones are counted in the summary)", notice.message());
    } else {
      LOG.debug("{}", notice.message());
    }
  }

  /**
   * The bundle ends: its statistics, with this JVM's peak memory, or null when it answered nothing
   * (nothing worth a side output element).
   */
  JobStats finishBundle() {
    JobStats done = bundle;
    bundle = new JobStats();
    if (done.isEmpty()) {
      return null;
    }
    PeakMemory.bytes().ifPresent(done::recordPeakMemory);
    return done;
  }
}
