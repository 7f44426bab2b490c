package ai.hubbatch.io;

import java.io.Serializable;

/**
 * The largest record a reader keeps, and what an error says about a larger one. Larger records are
 * skipped to their end, never held in memory.
 *
 * @param bytes the most bytes a record may have
 * @param reason the error reason of a larger record
 */
record RecordLimit(long bytes, String reason) implements Serializable {

  /**
   * The tighter of the memory guard and SageMaker's payload limit.
   *
   * @param maxRecordBytes the memory guard
   * @param maxPayloadMb records must be smaller than this many MiB; 0 for no limit
   */
  static RecordLimit of(int maxRecordBytes, int maxPayloadMb) {
    long payload = (long) maxPayloadMb << 20;
    if (maxPayloadMb > 0 && payload - 1 < maxRecordBytes) {
      return new RecordLimit(
          payload - 1,
          "Record is larger than the payload limit of "
              + maxPayloadMb
              + "MB (MaxPayloadInMB, --max-payload-mb; 0 for no limit)");
    }
    return new RecordLimit(
        maxRecordBytes,
        "Record is longer than the limit of " + maxRecordBytes + " bytes (--max-record-bytes)");
  }
}
