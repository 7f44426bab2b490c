package ai.hubbatch.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * A job's output folder (a path or an object-store prefix) and the protocol by which inputs are
 * committed into it, so that a reader, and {@code --resume}, can always tell which inputs are
 * complete and which of their records failed, whatever point a job was stopped at.
 *
 * <p>What is in the folder:
 *
 * <ul>
 *   <li>{@code <name>.out} (or {@code .parquet}): the outputs of the input named {@code <name>};
 *   <li>{@code .hubbatch/done/<name>.jsonl}: the input's <em>commit record</em>: a header line
 *       ({@link CommitRecord}: the input's source and version, the digest of the model and
 *       settings, the output's name and size, the counts), then the input's failed records, one
 *       line each, exactly as in the errors file;
 *   <li>{@code _errors.jsonl}: the failed records of every committed input, in name order: the
 *       records' error lines concatenated;
 *   <li>{@code .hubbatch/lock}: the lock a running job holds ({@link JobLock});
 *   <li>{@code .hubbatch/tmp/<job>/}: a running job's temporary files.
 * </ul>
 *
 * <p>How an input is committed, each step finishing before the next starts: its output and its
 * commit record are written in full to the job's temporary folder; its earlier commit record, if
 * any, is deleted; the output is moved into place (or, when it is withheld, an earlier one is
 * deleted); the commit record is moved into place. Moves are renames on a file system and
 * server-side copies on object stores: either way a reader sees the whole file or none. A job
 * deletes {@code _errors.jsonl} before it commits its first input and writes it, from the commit
 * records, after its last.
 *
 * <p>What a reader may trust at any moment, even after a crash or a full disk:
 *
 * <ul>
 *   <li>an input with a commit record is complete: its output is present with the size the record
 *       gives (absent when the record says it was withheld), and the record's lines after the
 *       header are all of its failed records;
 *   <li>an output without a commit record is not to be trusted: it may be an earlier run's, or its
 *       input's commit may have stopped half-way;
 *   <li>when {@code _errors.jsonl} is present, the last job into the folder finished, and it holds
 *       the failed records of exactly the committed inputs; when it is absent, a job is running or
 *       stopped before its end, and the commit records say which records failed.
 * </ul>
 *
 * <p>A reader that reads while a job runs reads an input's commit record, then its output, then the
 * record again: if the record is still there and unchanged, the output it read is the one the
 * record describes (a commit deletes the record before it replaces the output).
 */
public final class OutputFolder implements Serializable {

  /** The errors file in the output folder. */
  public static final String ERRORS_FILE = "_errors.jsonl";

  /** The folder of hubbatch's bookkeeping, hidden from input listings. */
  static final String BOOKKEEPING = ".hubbatch/";

  static final String DONE = BOOKKEEPING + "done/";
  static final String TEMP = BOOKKEEPING + "tmp/";
  static final String LOCK = BOOKKEEPING + "lock";
  static final String RECORD_SUFFIX = ".jsonl";

  /** Commit records read at once when a job resumes: object stores answer each in tens of ms. */
  private static final int READERS = 16;

  private final String uri;

  private OutputFolder(String uri) {
    this.uri = uri;
  }

  /** The folder at a path or URI ({@code out}, {@code /data/out/}, {@code s3://bucket/out}). */
  public static OutputFolder at(String folder) {
    return new OutputFolder(FileSystems.matchNewResource(folder, true).toString());
  }

  /** The folder's URI, ending with {@code /}. */
  public String uri() {
    return uri;
  }

  /** Whether the folder is on the local file system. */
  boolean local() {
    return FileSystems.matchNewResource(uri, true).getScheme().equals("file");
  }

  /** The output's name relative to the folder. */
  static String outputName(InputFile input, OutputFormat format) {
    return input.relativeName() + format.suffix();
  }

  ResourceId outputFile(InputFile input, OutputFormat format) {
    return Resources.file(uri, outputName(input, format));
  }

  ResourceId recordFile(String relativeName) {
    return Resources.file(uri, DONE + relativeName + RECORD_SUFFIX);
  }

  /** Where the errors file is. */
  public ResourceId errorsFile() {
    return Resources.file(uri, ERRORS_FILE);
  }

  ResourceId lockFile() {
    return Resources.file(uri, LOCK);
  }

  /** A job's temporary folder, ending with {@code /}. */
  String tempFolder(String jobId) {
    return uri + TEMP + jobId + "/";
  }

  /**
   * Takes the folder for a job: refuses a local path that is a file, then takes the lock, which is
   * also the proof that the folder can be written.
   *
   * @throws FolderInUseException if another live job holds the folder
   * @throws IOException if the folder cannot be written
   */
  public JobLock lock(String jobId) throws IOException {
    if (local()) {
      Path path = Paths.get(FileSystems.matchNewResource(uri, true).toString());
      for (Path p = path; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p)) {
          throw new IllegalArgumentException(
              "The output "
                  + path
                  + " cannot be a folder: "
                  + p
                  + " is a file. Give --output a folder (it is created when missing).");
        }
      }
    }
    return JobLock.acquire(this, jobId);
  }

  /**
   * Starts a job that holds the lock: deletes the errors file, which no longer describes the folder
   * once an input is committed, and the temporary folders of earlier jobs, which are gone.
   */
  public void begin(String jobId) throws IOException {
    Resources.deleteIfExists(errorsFile());
    String temp = uri + TEMP;
    Set<String> jobs = new TreeSet<>();
    if (local()) {
      Path folder = Paths.get(temp);
      if (Files.isDirectory(folder)) {
        try (Stream<Path> children = Files.list(folder)) {
          children.forEach(child -> jobs.add(child.getFileName().toString()));
        }
      }
    } else {
      for (MatchResult.Metadata file : list(TEMP)) {
        String rest = file.resourceId().toString().substring(temp.length());
        jobs.add(rest.substring(0, Math.max(0, rest.indexOf('/'))));
      }
    }
    jobs.remove(jobId);
    jobs.remove("");
    for (String job : jobs) {
      Resources.deleteTree(temp + job + "/");
    }
  }

  /**
   * The inputs that an earlier job committed from the same bytes ({@link InputFile#version()}) with
   * the same model and settings ({@code jobDigest}), whose outputs are still in place: {@code
   * --resume} skips them. Reads the folder's listing once and the candidates' commit records in
   * parallel; nothing of the inputs is read.
   *
   * @return one entry per complete input, in input order
   */
  public List<WrittenFile> complete(List<InputFile> inputs, String jobDigest, OutputFormat format)
      throws IOException {
    Map<String, Long> sizes = new HashMap<>();
    for (MatchResult.Metadata file : list("")) {
      sizes.put(file.resourceId().toString(), file.sizeBytes());
    }
    List<InputFile> candidates = new ArrayList<>();
    for (InputFile input : inputs) {
      if (input.version() != null
          && sizes.containsKey(recordFile(input.relativeName()).toString())) {
        candidates.add(input);
      }
    }
    List<CommitRecord> records = readHeaders(candidates);
    List<WrittenFile> complete = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      InputFile input = candidates.get(i);
      CommitRecord record = records.get(i);
      String output = outputFile(input, format).toString();
      boolean same =
          record != null
              && input.source().equals(record.source())
              && input.version().equals(record.sourceVersion())
              && jobDigest.equals(record.job());
      boolean inPlace =
          record != null
              && (record.output() == null
                  ? !sizes.containsKey(output)
                  : record.output().equals(outputName(input, format))
                      && Long.valueOf(record.outputBytes()).equals(sizes.get(output)));
      if (same && inPlace) {
        complete.add(
            new WrittenFile(
                input.index(),
                record.output() == null ? null : output,
                record.outputs(),
                record.errors()));
      }
    }
    return complete;
  }

  /** The relative names of the inputs whose commit records are in place, in name order. */
  public List<String> committed() throws IOException {
    return List.copyOf(records().keySet());
  }

  /** Every commit record in place, by relative input name, in name order. */
  Map<String, ResourceId> records() throws IOException {
    String prefix = uri + DONE;
    Map<String, ResourceId> records = new TreeMap<>();
    for (MatchResult.Metadata file : list(DONE)) {
      String path = file.resourceId().toString();
      if (path.startsWith(prefix) && path.endsWith(RECORD_SUFFIX)) {
        records.put(
            path.substring(prefix.length(), path.length() - RECORD_SUFFIX.length()),
            file.resourceId());
      }
    }
    return records;
  }

  /** A commit record's header. */
  static CommitRecord readHeader(ResourceId record) throws IOException {
    try (InputStream in = open(record)) {
      return CommitRecord.parse(firstLine(in));
    }
  }

  /** Copies a commit record's error lines, everything after its header. */
  static void copyErrors(ResourceId record, OutputStream out) throws IOException {
    try (InputStream in = open(record)) {
      firstLine(in);
      in.transferTo(out);
    }
  }

  private static InputStream open(ResourceId file) throws IOException {
    return new BufferedInputStream(Channels.newInputStream(FileSystems.open(file)), 1 << 16);
  }

  private static String firstLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** The headers of the inputs' commit records, null for any that cannot be read. */
  private List<CommitRecord> readHeaders(List<InputFile> inputs) throws IOException {
    if (inputs.isEmpty()) {
      return List.of();
    }
    ExecutorService readers = Executors.newFixedThreadPool(Math.min(READERS, inputs.size()));
    try {
      List<Future<CommitRecord>> reads = new ArrayList<>();
      for (InputFile input : inputs) {
        ResourceId record = recordFile(input.relativeName());
        reads.add(
            readers.submit(
                () -> {
                  try {
                    return readHeader(record);
                  } catch (IOException e) {
                    // Unreadable or half-gone: the input is simply not complete.
                    return null;
                  }
                }));
      }
      List<CommitRecord> headers = new ArrayList<>();
      for (Future<CommitRecord> read : reads) {
        headers.add(read.get());
      }
      return headers;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while reading commit records", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    } finally {
      readers.shutdownNow();
    }
  }

  /** Every file below a subfolder ({@code ""} for the whole folder). */
  private List<MatchResult.Metadata> list(String below) throws IOException {
    MatchResult match =
        FileSystems.match(List.of(uri + below + "**"), EmptyMatchTreatment.ALLOW).get(0);
    if (match.status() == MatchResult.Status.NOT_FOUND) {
      return List.of();
    }
    List<MatchResult.Metadata> files = new ArrayList<>();
    for (MatchResult.Metadata file : match.metadata()) {
      if (!file.resourceId().isDirectory()) {
        files.add(file);
      }
    }
    return files;
  }

  @Override
  public String toString() {
    return uri;
  }
}
