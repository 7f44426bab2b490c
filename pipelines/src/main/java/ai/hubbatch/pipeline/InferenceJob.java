package ai.hubbatch.pipeline;

import ai.hubbatch.io.InputFile;
import ai.hubbatch.io.OutputFormat;
import ai.hubbatch.model.codec.MediaType;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.model.inference.BatchSizing;
import ai.hubbatch.model.inference.ModelSpec;
import ai.hubbatch.pipeline.dataprocessing.CsvRows;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything one {@code hubbatch run} does, resolved before the pipeline is built: the input files,
 * the output folder, the model and how records are batched.
 *
 * @param inputs the input files, already listed
 * @param output the output folder (path or URI)
 * @param format JSON Lines or Parquet
 * @param model the model, with its task resolved
 * @param sizing batch size and padded-token budget per engine call, derived on each worker from its
 *     device where unset
 * @param sortBuffer records held per worker thread and sorted by length before batching
 * @param maxRecordBytes lines longer than this are errors
 * @param transform how records are read, mapped and written, in SageMaker's terms
 */
public record InferenceJob(
    List<InputFile> inputs,
    String output,
    OutputFormat format,
    ModelSpec model,
    BatchSizing sizing,
    int sortBuffer,
    int maxRecordBytes,
    TransformSettings transform)
    implements Serializable {

  public InferenceJob {
    inputs = List.copyOf(inputs);
    if (sortBuffer < 1) {
      throw new ConfigurationException("The sort buffer must hold at least one record");
    }
    transform.mapping(); // fails now, not on the workers
    if (transform.contentType().format() == MediaType.Format.CSV && !CsvRows.takes(model.task())) {
      throw new ConfigurationException(
          "Content type text/csv cannot carry "
              + model.task()
              + "'s inputs (the Inference Toolkit refuses it too): use application/json or"
              + " application/jsonlines records");
    }
  }

  /**
   * A digest of everything besides the inputs' bytes that decides what the job writes: the model as
   * named and pinned, task, engine and its settings, the output format, and how records are read,
   * mapped and written. Batch sizes and the sort buffer are left out: they change how fast, not
   * what. {@code --resume} trusts an earlier output only when its commit record has this digest.
   */
  public String digest() {
    String described =
        String.join(
            "\n",
            "model=" + model.model(),
            "revision=" + model.revision(),
            "task=" + model.task(),
            "engine=" + model.engine(),
            "engineSettings=" + model.settings(),
            "format=" + format,
            "transform=" + transform,
            "maxRecordBytes=" + maxRecordBytes);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(described.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON Lines job, {@code hubbatch run}'s defaults. */
  public InferenceJob(
      List<InputFile> inputs,
      String output,
      OutputFormat format,
      ModelSpec model,
      BatchSizing sizing,
      int sortBuffer,
      int maxRecordBytes) {
    this(
        inputs,
        output,
        format,
        model,
        sizing,
        sortBuffer,
        maxRecordBytes,
        TransformSettings.jsonLines());
  }
}
