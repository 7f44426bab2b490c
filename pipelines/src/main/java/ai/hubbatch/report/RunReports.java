package ai.hubbatch.report;

import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.ResultsIO;
import ai.hubbatch.io.WrittenFile;
import ai.hubbatch.pipeline.InferenceJob;
import ai.hubbatch.pipeline.JobSummary;
import ai.hubbatch.pipeline.TransformSettings;
import ai.hubbatch.report.Block.Bar;
import ai.hubbatch.report.Block.Cell;
import ai.hubbatch.report.Block.Fact;
import ai.hubbatch.report.Block.Figure;
import ai.hubbatch.stats.Interval;
import ai.hubbatch.stats.JobStats;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.apache.beam.sdk.metrics.DistributionResult;

/**
 * Builds the run report of a finished job, with the same figures whichever runner ran it:
 *
 * <ul>
 *   <li>record counts, per input and in all, from the sink's report of what it wrote (the one that
 *       decides the exit code), and the errors from {@code _errors.jsonl};
 *   <li>throughput over time, batch and padded-token histograms, padding, engine latency, the first
 *       prediction and peak memory from the predict step's {@link JobStats}, which travel through
 *       the pipeline as data and so count a retried bundle once;
 *   <li>model load time and blank lines from Beam metrics.
 * </ul>
 */
public final class RunReports {

  /** Inputs listed by most records and by most errors when there are more than twice as many. */
  static final int TOP_INPUTS = 20;

  /** The most bars of a chart over time: intervals are widened to stay under it. */
  static final int MOST_BARS = 60;

  /** Reasons whose first records are shown. */
  static final int REASONS_WITH_EXAMPLES = 5;

  private RunReports() {}

  /** Builds the report and writes it into the job's output folder; returns where it went. */
  public static String write(FinishedRun run) throws IOException {
    return ReportFile.write(run.job().output(), ReportPage.render(build(run)));
  }

  /** The report of a finished job. */
  public static RunReport build(FinishedRun run) throws IOException {
    String model = run.model().name();
    return new RunReport(
        "hubbatch " + run.command() + ": " + model,
        verdict(run),
        List.of(job(run), counts(run), throughput(run), batches(run), errors(run)),
        "Written by hubbatch "
            + version()
            + " on "
            + host()
            + " at "
            + run.finished().truncatedTo(ChronoUnit.SECONDS)
            + ".");
  }

  private static RunReport.Verdict verdict(FinishedRun run) {
    JobSummary summary = run.summary();
    int code = run.exitCode();
    if (code == 0) {
      return new RunReport.Verdict(code, "every record got an output", "ok");
    }
    if (code == 1) {
      return new RunReport.Verdict(
          code,
          Format.count(summary.failed())
              + " of "
              + Format.count(summary.read())
              + " records failed (see "
              + ResultsIO.ERRORS_FILE
              + " and Errors below); the others got their output",
          "warning");
    }
    if (summary.objectsFailed() > 0) {
      return new RunReport.Verdict(
          code,
          Format.count(summary.objectsFailed())
              + " input(s) had failed records and got no output (--sagemaker-strict)",
          "failed");
    }
    return new RunReport.Verdict(code, "the job failed (" + summary.state() + ")", "failed");
  }

  private static Section job(FinishedRun run) {
    InferenceJob job = run.job();
    List<String> secrets = Secrets.secretValues(run.environment());
    List<String> words = new ArrayList<>();
    words.add("hubbatch");
    words.addAll(Secrets.maskArguments(run.arguments(), secrets));
    TransformSettings transform = job.transform();
    List<Fact> facts = new ArrayList<>();
    facts.add(
        new Fact(
            "Command",
            words.stream().map(RunReports::quoted).collect(Collectors.joining(" ")),
            true));
    facts.add(new Fact("Model", run.model().name(), true));
    if (run.model().revision() != null) {
      facts.add(
          new Fact(
              run.model().revision().startsWith("sha256:") ? "Archive digest" : "Commit",
              run.model().revision(),
              true));
    }
    facts.add(new Fact("Task", job.model().task(), false));
    facts.add(new Fact("Engine", String.valueOf(job.model().engine()), false));
    if (run.model().weights() != null) {
      facts.add(new Fact("Weights", run.model().weights(), true));
    }
    facts.add(new Fact("Device", job.model().settings().device(), false));
    facts.add(new Fact("Batch limits", limits(job), false));
    facts.add(
        new Fact(
            "Records",
            transform.contentType().mime() + ", split " + transform.splitType().sageMakerName(),
            false));
    facts.add(
        new Fact(
            "Outputs",
            job.format() + ", " + transform.accept().mime() + " in " + job.output(),
            false));
    facts.add(new Fact("Runner", run.runner(), false));
    facts.add(
        new Fact(
            "Host",
            host()
                + " ("
                + Runtime.getRuntime().availableProcessors()
                + " cores, Java "
                + Runtime.version().feature()
                + ")",
            false));
    facts.add(new Fact("Started", run.started().truncatedTo(ChronoUnit.MILLIS).toString(), false));
    facts.add(
        new Fact("Finished", run.finished().truncatedTo(ChronoUnit.MILLIS).toString(), false));
    facts.add(
        new Fact(
            "Took",
            Format.seconds(Duration.between(run.started(), run.finished()).toMillis() / 1000.0),
            false));
    List<Block> blocks = new ArrayList<>();
    blocks.add(new Block.Facts(facts));
    Map<String, String> environment = Secrets.shownEnvironment(run.environment());
    if (!environment.isEmpty()) {
      blocks.add(new Block.Note("Environment variables hubbatch reads, as they were set:"));
      List<Fact> variables = new ArrayList<>();
      environment.forEach((name, value) -> variables.add(new Fact(name, value, true)));
      blocks.add(new Block.Facts(variables));
    }
    return new Section("job", "Job", blocks);
  }

  private static String limits(InferenceJob job) {
    Integer items = job.sizing().maxItems();
    Integer cost = job.sizing().maxCost();
    String given =
        (items == null ? "" : "at most " + items + " sequences")
            + (items != null && cost != null ? " and " : "")
            + (cost == null ? "" : "at most " + cost + " padded tokens");
    String derived = "sized for each worker's device";
    String limits =
        given.isEmpty()
            ? derived
            : items != null && cost != null ? given : given + ", otherwise " + derived;
    return limits + "; sorted by length over " + job.sortBuffer() + " records at a time";
  }

  private static Section counts(FinishedRun run) {
    JobSummary summary = run.summary();
    List<Figure> figures = new ArrayList<>();
    figures.add(count("records-read", "records read", summary.read()));
    figures.add(count("outputs", "outputs", summary.outputs()));
    figures.add(count("errors", "errors", summary.failed()));
    figures.add(count("blank-lines", "blank lines skipped", summary.metrics().blankLines()));
    figures.add(count("inputs", "inputs", run.job().inputs().size()));
    if (summary.objectsFailed() > 0) {
      figures.add(count("inputs-withheld", "inputs without output", summary.objectsFailed()));
    }
    List<Block> blocks = new ArrayList<>();
    blocks.add(new Block.Figures(figures));
    blocks.addAll(inputTables(run));
    return new Section("counts", "Counts", blocks);
  }

  /** One row per input, or, for many inputs, those with the most records and the most errors. */
  private static List<Block> inputTables(FinishedRun run) {
    List<InputFile> inputs = run.job().inputs();
    List<WrittenFile> written = run.summary().written();
    if (written.isEmpty()) {
      return List.of(new Block.Note("The job wrote no report of its outputs, so none is listed."));
    }
    List<String> header = List.of("input", "records", "outputs", "errors", "output file");
    List<List<Cell>> footer = new ArrayList<>();
    footer.add(
        List.of(
            Cell.text(
                inputs.size() == 1
                    ? "the input"
                    : "all " + Format.count(inputs.size()) + " inputs"),
            Cell.number(run.summary().read()),
            Cell.number(run.summary().outputs()),
            Cell.number(run.summary().failed()),
            Cell.text("")));
    if (written.size() <= 2 * TOP_INPUTS) {
      return List.of(new Block.Table(null, header, rows(run, written), footer));
    }
    List<Block> tables = new ArrayList<>();
    tables.add(
        top(
            run,
            written,
            "The " + TOP_INPUTS + " inputs with the most records",
            f -> f.outputs() + f.errors(),
            header,
            footer));
    List<WrittenFile> failing = written.stream().filter(f -> f.errors() > 0).toList();
    if (!failing.isEmpty()) {
      tables.add(
          top(
              run,
              failing,
              "The inputs with the most errors",
              WrittenFile::errors,
              header,
              footer));
    }
    return tables;
  }

  private static Block.Table top(
      FinishedRun run,
      List<WrittenFile> files,
      String caption,
      ToLongFunction<WrittenFile> key,
      List<String> header,
      List<List<Cell>> footer) {
    List<WrittenFile> sorted =
        files.stream()
            .sorted(Comparator.comparingLong(key).reversed().thenComparingInt(WrittenFile::input))
            .limit(TOP_INPUTS)
            .toList();
    List<List<Cell>> closing = new ArrayList<>();
    long left = files.size() - sorted.size();
    if (left > 0) {
      closing.add(
          List.of(
              Cell.text(Format.count(left) + " more not listed"),
              Cell.text(""),
              Cell.text(""),
              Cell.text(""),
              Cell.text("")));
    }
    closing.addAll(footer);
    return new Block.Table(caption, header, rows(run, sorted), closing);
  }

  private static List<List<Cell>> rows(FinishedRun run, List<WrittenFile> files) {
    List<List<Cell>> rows = new ArrayList<>();
    for (WrittenFile file : files) {
      InputFile input = run.job().inputs().get(file.input());
      rows.add(
          List.of(
              Cell.code(input.relativeName()),
              Cell.number(file.outputs() + file.errors()),
              Cell.number(file.outputs()),
              Cell.number(file.errors()),
              file.path() == null
                  ? Cell.text("none: a record failed (--sagemaker-strict)")
                  : Cell.code(input.relativeName() + run.job().format().suffix())));
    }
    return rows;
  }

  private static Section throughput(FinishedRun run) {
    JobSummary summary = run.summary();
    JobStats stats = summary.stats();
    Interval totals = stats.totals();
    double seconds = summary.seconds();
    List<Figure> figures = new ArrayList<>();
    figures.add(new Figure("seconds", "job time", seconds, Format.seconds(seconds)));
    double records = summary.recordsPerSecond();
    figures.add(new Figure("records-per-second", "records/s", records, Format.decimal(records, 1)));
    double tokens = seconds <= 0 ? 0 : totals.realTokens() / seconds;
    figures.add(new Figure("tokens-per-second", "tokens/s", tokens, Format.decimal(tokens, 0)));
    if (totals.generatedTokens() > 0) {
      double generated = seconds <= 0 ? 0 : totals.generatedTokens() / seconds;
      figures.add(
          new Figure(
              "generated-tokens-per-second",
              "tokens generated/s",
              generated,
              Format.decimal(generated, 1)));
    }
    if (totals.stepSlots() > 0) {
      double busy = (double) totals.stepRows() / totals.stepSlots();
      figures.add(
          new Figure(
              "slot-occupancy", "decoding slots busy", busy, Format.decimal(100 * busy, 0) + "%"));
    }
    if (stats.firstBatchMillis().isPresent()) {
      double first = (stats.firstBatchMillis().getAsLong() - run.started().toEpochMilli()) / 1000.0;
      figures.add(
          new Figure(
              "first-prediction-s", "to the first prediction", first, Format.seconds(first)));
    }
    DistributionResult loads = summary.metrics().modelLoadMillis();
    if (loads.getCount() > 0) {
      double load = loads.getMax() / 1000.0;
      figures.add(
          new Figure(
              "model-load-s",
              loads.getCount() > 1 ? "model load, slowest of " + loads.getCount() : "model load",
              load,
              Format.seconds(load)));
    }
    stats
        .peakMemoryBytes()
        .ifPresent(
            bytes ->
                figures.add(
                    new Figure(
                        "peak-memory-mb",
                        "peak memory (RSS)",
                        bytes / (1024.0 * 1024.0),
                        Format.megabytes(bytes))));
    List<Block> blocks = new ArrayList<>();
    blocks.add(new Block.Figures(figures));
    blocks.add(
        new Block.Note(
            "The job time, as in the summary, counts from the pipeline's start; the first"
                + " prediction and the charts count from the command's start. Records are counted"
                + " when they were answered, tokens when their engine call returned. Peak memory"
                + " is the largest resident set of the JVMs that ran the model."));
    SortedMap<Long, Interval> intervals = stats.intervals();
    if (intervals.isEmpty()) {
      blocks.add(new Block.Note("No record reached the model, so there is nothing to chart."));
    } else {
      blocks.addAll(overTime(intervals, stats.intervalMillis(), run.started().toEpochMilli()));
    }
    return new Section("throughput", "Throughput", blocks);
  }

  /** Records/s and tokens/s per interval, intervals widened so there are at most 60. */
  private static List<Block> overTime(SortedMap<Long, Interval> intervals, long width, long start) {
    long first = intervals.firstKey();
    long end = intervals.lastKey() + width;
    while ((end - first) / width > MOST_BARS) {
      width *= 2;
    }
    long from = Math.floorDiv(first, width) * width;
    int count = (int) ((end - from + width - 1) / width);
    long[] records = new long[count];
    long[] tokens = new long[count];
    long[] generated = new long[count];
    long[] stepRows = new long[count];
    long[] stepSlots = new long[count];
    for (Map.Entry<Long, Interval> entry : intervals.entrySet()) {
      int bin = (int) ((entry.getKey() - from) / width);
      Interval interval = entry.getValue();
      records[bin] += interval.records();
      tokens[bin] += interval.realTokens();
      generated[bin] += interval.generatedTokens();
      stepRows[bin] += interval.stepRows();
      stepSlots[bin] += interval.stepSlots();
    }
    double perSecond = 1000.0 / width;
    List<Bar> recordBars = new ArrayList<>();
    List<Bar> tokenBars = new ArrayList<>();
    List<Bar> generatedBars = new ArrayList<>();
    List<Bar> occupancyBars = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      double offset = (from + i * width - start) / 1000.0;
      String label = width < 1000 ? Format.decimal(offset, 1) : Format.decimal(offset, 0);
      String span = label + " s, " + Format.seconds(width / 1000.0) + ": ";
      recordBars.add(
          new Bar(
              label,
              records[i] * perSecond,
              span
                  + Format.count(records[i])
                  + " records, "
                  + Format.decimal(records[i] * perSecond, 1)
                  + " records/s"));
      tokenBars.add(
          new Bar(
              label,
              tokens[i] * perSecond,
              span
                  + Format.count(tokens[i])
                  + " tokens, "
                  + Format.decimal(tokens[i] * perSecond, 0)
                  + " tokens/s"));
      generatedBars.add(
          new Bar(
              label,
              generated[i] * perSecond,
              span
                  + Format.count(generated[i])
                  + " tokens generated, "
                  + Format.decimal(generated[i] * perSecond, 1)
                  + " tokens/s"));
      double busy = stepSlots[i] == 0 ? 0 : 100.0 * stepRows[i] / stepSlots[i];
      occupancyBars.add(
          new Bar(label, busy, span + Format.decimal(busy, 0) + "% of the decoding slots busy"));
    }
    String axis = "seconds since the start, per " + Format.seconds(width / 1000.0) + " interval";
    List<Block> charts = new ArrayList<>();
    charts.add(
        new Block.BarChart(
            "records-over-time", "Records answered per second", axis, "records/s", recordBars));
    charts.add(
        new Block.BarChart(
            "tokens-over-time", "Tokens run per second", axis, "tokens/s", tokenBars));
    if (Arrays.stream(generated).anyMatch(n -> n > 0)) {
      // Generation: what users of a decoder measure, and how full continuous batching kept it.
      charts.add(
          new Block.BarChart(
              "generated-over-time",
              "Tokens generated per second",
              axis,
              "tokens/s",
              generatedBars));
      charts.add(
          new Block.BarChart(
              "slots-over-time", "Decoding slots busy", axis, "% of slots", occupancyBars));
    }
    return charts;
  }

  private static Section batches(FinishedRun run) {
    JobStats stats = run.summary().stats();
    Interval totals = stats.totals();
    long succeeded = totals.batches() - totals.failedBatches();
    List<Figure> figures = new ArrayList<>();
    figures.add(count("batches", "engine calls", totals.batches()));
    if (totals.failedBatches() > 0) {
      figures.add(count("failed-batches", "failed and split", totals.failedBatches()));
    }
    double padding = stats.paddingEfficiency();
    figures.add(
        new Figure(
            "padding-efficiency", "padding efficiency", padding, Format.decimal(padding, 3)));
    List<Block> blocks = new ArrayList<>();
    if (succeeded > 0) {
      double size = (double) totals.sequences() / succeeded;
      figures.add(
          new Figure("batch-size-mean", "sequences per call", size, Format.decimal(size, 1)));
      figures.add(count("batch-size-max", "most sequences", stats.batchSizes().lastKey()));
      double padded = (double) totals.paddedTokens() / succeeded;
      figures.add(
          new Figure(
              "padded-tokens-mean", "padded tokens per call", padded, Format.decimal(padded, 0)));
      figures.add(count("padded-tokens-max", "most padded tokens", stats.maxPaddedTokens()));
      figures.add(latency("latency-p50-ms", "latency p50", stats.latencyPercentileMicros(50)));
      figures.add(latency("latency-p90-ms", "latency p90", stats.latencyPercentileMicros(90)));
      figures.add(latency("latency-p99-ms", "latency p99", stats.latencyPercentileMicros(99)));
      figures.add(latency("latency-mean-ms", "latency mean", stats.latencyMeanMicros()));
      figures.add(latency("latency-max-ms", "latency max", stats.latencyMaxMicros()));
      blocks.add(new Block.Figures(figures));
      blocks.add(
          new Block.Note(
              "Padding efficiency is real tokens over the padded tokens the engine computed:"
                  + " 1.0 means no compute went to padding. Latency is the time of one engine"
                  + " call; the percentiles are exact to 1%."));
      blocks.add(batchSizeChart(stats.batchSizes()));
      blocks.add(paddedTokenChart(stats.paddedTokenBins()));
    } else {
      blocks.add(new Block.Figures(figures));
      blocks.add(new Block.Note("No engine call returned a prediction."));
    }
    return new Section("batches", "Batches and latency", blocks);
  }

  private static Figure latency(String id, String label, double micros) {
    return new Figure(id, label, micros / 1000, Format.millis(micros));
  }

  /** One bar per size, or per range of sizes when there are many. */
  private static Block.BarChart batchSizeChart(SortedMap<Integer, Long> sizes) {
    int smallest = sizes.firstKey();
    int largest = sizes.lastKey();
    int width = Math.max(1, (int) Math.ceil((largest - smallest + 1) / (double) MOST_BARS));
    List<Bar> bars = new ArrayList<>();
    for (int low = smallest; low <= largest; low += width) {
      int high = Math.min(largest, low + width - 1);
      long calls = sizes.subMap(low, high + 1).values().stream().mapToLong(Long::longValue).sum();
      String name = low == high ? Integer.toString(low) : low + "-" + high;
      bars.add(new Bar(name, calls, name + " sequences: " + Format.count(calls) + " calls"));
    }
    return new Block.BarChart(
        "batch-sizes", "Sequences per engine call", "sequences", "calls", bars);
  }

  private static Block.BarChart paddedTokenChart(List<JobStats.Bin> bins) {
    List<Bar> bars = new ArrayList<>();
    for (JobStats.Bin bin : bins) {
      String name =
          bin.from() == bin.to() ? Long.toString(bin.from()) : bin.from() + "-" + bin.to();
      bars.add(
          new Bar(
              name, bin.count(), name + " padded tokens: " + Format.count(bin.count()) + " calls"));
    }
    return new Block.BarChart(
        "padded-tokens", "Padded tokens per engine call", "padded tokens", "calls", bars);
  }

  private static Section errors(FinishedRun run) throws IOException {
    if (run.summary().failed() == 0) {
      return new Section("errors", "Errors", List.of(new Block.Note("No record failed.")));
    }
    ErrorGroups groups = ErrorGroups.read(run.job().output() + ResultsIO.ERRORS_FILE);
    List<Block> blocks = new ArrayList<>();
    blocks.add(
        new Block.Note(
            Format.count(groups.total())
                + " records failed; each is a line of "
                + ResultsIO.ERRORS_FILE
                + " with its file, position, reason and record."));
    List<List<Cell>> rows = new ArrayList<>();
    for (ErrorGroups.Group group : groups.groups()) {
      rows.add(List.of(Cell.text(group.reason()), Cell.number(group.count())));
    }
    List<List<Cell>> footer = new ArrayList<>();
    if (groups.ungrouped() > 0) {
      footer.add(List.of(Cell.text("other reasons"), Cell.number(groups.ungrouped())));
    }
    footer.add(List.of(Cell.text("all"), Cell.figure("errors-listed", groups.total())));
    blocks.add(new Block.Table("Errors by reason", List.of("reason", "records"), rows, footer));
    for (ErrorGroups.Group group : groups.groups().stream().limit(REASONS_WITH_EXAMPLES).toList()) {
      List<List<Cell>> examples = new ArrayList<>();
      for (ErrorGroups.Example example : group.examples()) {
        examples.add(
            List.of(
                Cell.code(example.where()),
                Cell.text(example.reason()),
                Cell.code(example.record())));
      }
      blocks.add(
          new Block.Table(
              "First records that failed: " + group.reason(),
              List.of("where", "reason", "record"),
              examples,
              List.of()));
    }
    return new Section("errors", "Errors", blocks);
  }

  private static Figure count(String id, String label, long value) {
    return new Figure(id, label, value, Format.count(value));
  }

  private static String quoted(String word) {
    return word.isEmpty() || word.matches(".*[\\s\"'$`\\\\*?\\[\\]{}();&|<>].*")
        ? "'" + word.replace("'", "'\\''") + "'"
        : word;
  }

  private static String version() {
    String version = RunReports.class.getPackage().getImplementationVersion();
    return version == null ? "(development build)" : version;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "an unknown host";
    }
  }
}
