package ai.hubbatch.pipeline;

import ai.hubbatch.io.ResultRecord;
import ai.hubbatch.io.SourceRecord;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.batch.BatchReport;
import ai.hubbatch.model.batch.InferenceListener;
import ai.hubbatch.model.batch.Notice;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import ai.hubbatch.model.inference.SharedModels;
import ai.hubbatch.pipeline.dataprocessing.RecordMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model over records. Records are tokenized as they arrive and held, up to the sort
 * buffer's size or the end of the bundle; then all held records are sorted by length, cut into
 * token-budget batches and answered. No state or timers, so it runs on every Beam runner.
 *
 * <p>Records become requests, and responses outputs, through the job's {@link RecordMapping}
 * (content type, filters, join, Accept); a record it cannot map fails alone.
 *
 * <p>The model is loaded once per JVM ({@link SharedModels}); each DoFn instance, which Beam uses
 * from one thread at a time, holds its own predictor.
 */
final class PredictFn extends DoFn<SourceRecord, ResultRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(PredictFn.class);

  /** Models whose batch limits this JVM has logged: once per JVM, not per DoFn instance. */
  private static final Set<ModelSpec> LOGGED = ConcurrentHashMap.newKeySet();

  /** Notice kinds this JVM has logged a first example of; later ones log at debug level. */
  private static final Set<String> NOTICES_LOGGED = ConcurrentHashMap.newKeySet();

  private final InferenceJob job;
  private final RecordMapping mapping;

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

  /** Models whose load time this JVM reported: once per load, however many DoFns share it. */
  private static final Set<LoadedModel> LOADS_REPORTED = ConcurrentHashMap.newKeySet();

  private transient LoadedModel model;
  private transient BatchPredictor predictor;
  private transient List<SourceRecord> held;
  private transient List<PendingRequest> pending;

  PredictFn(InferenceJob job) {
    this.job = job;
    this.mapping = job.transform().mapping(job.model().task());
  }

  @Setup
  public void setup() {
    model = SharedModels.get(job.model());
    BatchLimits limits = job.sizing().resolve(model);
    if (LOGGED.add(job.model())) {
      LOG.info("{}", job.sizing().describe(model));
    }
    predictor =
        model.newPredictor(
            limits,
            new InferenceListener() {
              @Override
              public void onBatch(BatchReport report) {
                record(report);
              }

              @Override
              public void onNotice(Notice notice) {
                notice(notice);
              }
            });
    held = new ArrayList<>();
    pending = new ArrayList<>();
  }

  @StartBundle
  public void startBundle() {
    // Metrics count only inside a bundle (not in @Setup, where the model loads).
    if (LOADS_REPORTED.add(model)) {
      loadLatency.update(model.loadMillis());
    }
  }

  @ProcessElement
  public void process(@Element SourceRecord record, OutputReceiver<ResultRecord> receiver) {
    if (!record.readable()) {
      emit(ResultRecord.error(record, record.readError()), receiver::output);
      return;
    }
    PendingRequest request;
    try {
      request = predictor.prepare(mapping.request(record));
    } catch (InvalidRequestException e) {
      emit(ResultRecord.error(record, e.getMessage()), receiver::output);
      return;
    }
    held.add(record);
    pending.add(request);
    if (held.size() >= job.sortBuffer()) {
      flush(receiver::output);
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    flush(result -> context.output(result, Instant.now(), GlobalWindow.INSTANCE));
  }

  @Teardown
  public void teardown() {
    if (predictor != null) {
      predictor.close();
    }
  }

  private void flush(Consumer<ResultRecord> receiver) {
    if (held.isEmpty()) {
      return;
    }
    List<Outcome> outcomes = predictor.complete(pending);
    for (int i = 0; i < held.size(); i++) {
      SourceRecord record = held.get(i);
      emit(result(record, outcomes.get(i)), receiver);
    }
    held.clear();
    pending.clear();
  }

  private ResultRecord result(SourceRecord record, Outcome outcome) {
    if (outcome.isSuccess()) {
      try {
        return ResultRecord.output(record, mapping.output(record, outcome.response()));
      } catch (InvalidRequestException | IllegalArgumentException e) { // NaN has no JSON
        return ResultRecord.error(record, e.getMessage());
      }
    }
    return ResultRecord.error(record, outcome.error());
  }

  private void emit(ResultRecord result, Consumer<ResultRecord> receiver) {
    if (result.isError()) {
      failed.inc();
      LocalProgress.failed(1);
    } else {
      out.inc();
    }
    LocalProgress.done(1);
    receiver.accept(result);
  }

  private void notice(Notice notice) {
    Metrics.counter(HubbatchMetrics.NAMESPACE, HubbatchMetrics.NOTICE_PREFIX + notice.kind()).inc();
    if (NOTICES_LOGGED.add(notice.kind())) {
      LOG.warn("{} (further ones are counted in the summary)", notice.message());
    } else {
      LOG.debug("{}", notice.message());
    }
  }

  private void record(BatchReport report) {
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
}
