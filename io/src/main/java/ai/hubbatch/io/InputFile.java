package ai.hubbatch.io;

import java.io.Serializable;

/**
 * One input object of a job and the name its output takes.
 *
 * @param index position in the job's input list; records carry it instead of the path
 * @param source the full path or URI ({@code /data/a.jsonl}, {@code s3://bucket/in/a.jsonl})
 * @param relativeName the path below the input's base folder ({@code a.jsonl}, {@code
 *     2024/a.jsonl}); the output is this name plus {@code .out}
 * @param version what identifies the object's bytes as listed ({@code size=12
 *     modified=1700000000000}, plus the store's checksum where it gives one), or null when unknown;
 *     {@code --resume} trusts an earlier output only if it was made from the same version
 */
public record InputFile(int index, String source, String relativeName, String version)
    implements Serializable {

  /** An input whose version is unknown. */
  public InputFile(int index, String source, String relativeName) {
    this(index, source, relativeName, null);
  }
}
