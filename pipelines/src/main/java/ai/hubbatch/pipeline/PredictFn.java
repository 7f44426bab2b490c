package ai.hubbatch.pipeline;

import ai.hubbatch.io.RecordsIO;
import ai.hubbatch.io.ResultRecord;
import ai.hubbatch.io.SourceRecord;
import ai.hubbatch.model.batch.BatchLimits;
import ai.hubbatch.model.codec.InvalidRequestException;
import ai.hubbatch.model.inference.BatchPredictor;
import ai.hubbatch.model.inference.LoadedModel;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.model.inference.Outcome;
import ai.hubbatch.model.inference.PendingRequest;
import ai.hubbatch.model.inference.SharedModels;
import ai.hubbatch.pipeline.dataprocessing.RecordMapping;
import ai.hubbatch.stats.JobStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the model over records. Records are tokenized as they arrive and held, up to the sort
 * buffer's size, the cost the model's stage gathers at most ({@link
 * ai.hubbatch.model.stage.Stage#gatherCost}: a few batches of images) or the end of the bundle;
 * then all held records are sorted by length, cut into token-budget batches and answered. No state
 * or timers, so it runs on every Beam runner.
 *
 * <p>An input's end marker ({@link SourceRecord#end}) follows the input's last result out: it is
 * held while any of the input's records are, so the sink commits the input only once all of them
 * are written.
 *
 * <p>Records become requests, and responses outputs, through the job's {@link RecordMapping}
 * (content type, filters, join, Accept); a record it cannot map fails alone.
 *
 * <p>The model is loaded once per JVM ({@link SharedModels}); each DoFn instance, which Beam uses
 * from one thread at a time, holds its own predictor.
 *
 * <p>Outputs: the results ({@link #RESULTS}, the main output) and, at the end of each bundle that
 * answered records, that bundle's {@link JobStats} ({@link #STATS}), which {@link PredictMetrics}
 * keeps alongside the Beam metrics.
 */
final class PredictFn extends DoFn<SourceRecord, ResultRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(PredictFn.class);

  private static final byte[] NO_BYTES = new byte[0];

  /** Models whose batch limits this JVM has logged: once per JVM, not per DoFn instance. */
  private static final Set<ModelSpec> LOGGED = ConcurrentHashMap.newKeySet();

  /** The predictions, one per record. */
  static final TupleTag<ResultRecord> RESULTS = new TupleTag<>() {};

  /** Each bundle's statistics, for the run report. */
  static final TupleTag<JobStats> STATS = new TupleTag<>() {};

  private final InferenceJob job;
  private final RecordMapping mapping;
  private final RecordsIO.ObjectLoader loader;

  private final PredictMetrics metrics = new PredictMetrics();

  private transient LoadedModel model;
  private transient BatchPredictor predictor;
  private transient List<SourceRecord> held;
  private transient List<PendingRequest> pending;
  private transient List<SourceRecord> ends;
  private transient long gatherCost;
  private transient long heldCost;

  PredictFn(InferenceJob job) {
    this.job = job;
    this.mapping = job.transform().mapping();
    this.loader = InferencePipeline.read(job).loader();
  }

  @Setup
  public void setup() {
    model = SharedModels.get(job.model());
    BatchLimits limits = job.sizing().resolve(model);
    if (LOGGED.add(job.model())) {
      LOG.info("{}", job.sizing().describe(model));
    }
    predictor = model.newPredictor(limits, metrics);
    gatherCost = model.task().stage().gatherCost(limits);
    held = new ArrayList<>();
    pending = new ArrayList<>();
    ends = new ArrayList<>();
  }

  @StartBundle
  public void startBundle() {
    metrics.startBundle(model);
  }

  @ProcessElement
  public void process(@Element SourceRecord element, OutputReceiver<ResultRecord> receiver) {
    if (element.isEnd()) {
      if (held.stream().anyMatch(r -> r.file() == element.file())) {
        ends.add(element);
      } else {
        receiver.output(ResultRecord.end(element));
      }
      return;
    }
    // A whole media object is read here, where it is scored, so bytes wait in memory only while
    // they are held below.
    SourceRecord record =
        element.deferred() ? loader.load(job.inputs().get(element.file())) : element;
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
    // A media record's bytes are in its prepared request now (as pixels): keep only its place.
    held.add(
        record.binary()
            ? SourceRecord.binary(record.file(), record.line(), record.offset(), NO_BYTES)
            : record);
    pending.add(request);
    heldCost += request.cost();
    if (held.size() >= job.sortBuffer() || heldCost >= gatherCost) {
      flush(receiver::output);
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    flush(result -> context.output(result, Instant.now(), GlobalWindow.INSTANCE));
    JobStats stats = metrics.finishBundle();
    if (stats != null) {
      context.output(STATS, stats, Instant.now(), GlobalWindow.INSTANCE);
    }
  }

  @Teardown
  public void teardown() {
    if (predictor != null) {
      predictor.close();
    }
  }

  private void flush(Consumer<ResultRecord> receiver) {
    if (!held.isEmpty()) {
      List<Outcome> outcomes = predictor.complete(pending);
      for (int i = 0; i < held.size(); i++) {
        SourceRecord record = held.get(i);
        emit(result(record, outcomes.get(i)), receiver);
      }
      held.clear();
      pending.clear();
    }
    // Nothing is held now: every waiting input's results are out.
    for (SourceRecord end : ends) {
      receiver.accept(ResultRecord.end(end));
    }
    ends.clear();
    heldCost = 0;
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
    metrics.result(result.isError());
    receiver.accept(result);
  }
}
