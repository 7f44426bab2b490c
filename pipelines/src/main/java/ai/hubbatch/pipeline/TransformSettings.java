package ai.hubbatch.pipeline;

import ai.hubbatch.io.AssembleWith;
import ai.hubbatch.io.SplitType;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.pipeline.dataprocessing.ContentType;
import ai.hubbatch.pipeline.dataprocessing.JoinSource;
import ai.hubbatch.pipeline.dataprocessing.JsonPath;
import ai.hubbatch.pipeline.dataprocessing.RecordMapping;
import java.io.Serializable;
import java.util.Objects;
import org.apache.beam.sdk.io.Compression;

/**
 * How a job reads records and writes outputs, in SageMaker Batch Transform's terms.
 *
 * @param contentType what the records are ({@code TransformInput.ContentType})
 * @param splitType how objects are cut into records
 * @param batchStrategy accepted for compatibility; see {@link BatchStrategy}
 * @param maxPayloadMb records of this many MiB or more are errors; 0 for no limit
 * @param accept how outputs are encoded ({@code TransformOutput.Accept})
 * @param assembleWith how an object's outputs are joined
 * @param joinSource whether outputs are joined to their input record
 * @param inputFilter what of a record the model sees
 * @param outputFilter what of the (joined) output is written
 * @param compression how objects are compressed ({@link Compression#AUTO}: by extension)
 * @param allOrNothing SageMaker's failure rule: an object with a failed record gets no output, and
 *     the job fails
 */
public record TransformSettings(
    ContentType contentType,
    SplitType splitType,
    BatchStrategy batchStrategy,
    int maxPayloadMb,
    ContentType accept,
    AssembleWith assembleWith,
    JoinSource joinSource,
    JsonPath inputFilter,
    JsonPath outputFilter,
    Compression compression,
    boolean allOrNothing)
    implements Serializable {

  public TransformSettings {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(splitType, "splitType");
    Objects.requireNonNull(batchStrategy, "batchStrategy");
    Objects.requireNonNull(accept, "accept");
    Objects.requireNonNull(assembleWith, "assembleWith");
    Objects.requireNonNull(joinSource, "joinSource");
    Objects.requireNonNull(inputFilter, "inputFilter");
    Objects.requireNonNull(outputFilter, "outputFilter");
    Objects.requireNonNull(compression, "compression");
    if (maxPayloadMb < 0) {
      throw new ConfigurationException("MaxPayloadInMB must be 0 (no limit) or positive");
    }
  }

  /** {@code hubbatch run}'s defaults: JSON Lines in, one JSON output line per record out. */
  public static TransformSettings jsonLines() {
    return new TransformSettings(
        ContentType.JSON,
        SplitType.LINE,
        BatchStrategy.MULTI_RECORD,
        0,
        ContentType.JSON,
        AssembleWith.LINE,
        JoinSource.NONE,
        JsonPath.root(),
        JsonPath.root(),
        Compression.AUTO,
        false);
  }

  /**
   * The record mapping, checked.
   *
   * @throws IllegalArgumentException for settings that cannot work together
   */
  public RecordMapping mapping() {
    return new RecordMapping(contentType, accept, splitType, inputFilter, outputFilter, joinSource);
  }
}
