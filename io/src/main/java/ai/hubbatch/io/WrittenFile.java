package ai.hubbatch.io;

import java.io.Serializable;

/**
 * One output file as written: where, and how many records went to it and to the errors file.
 *
 * @param input the input's index
 * @param path the output's full path or URI, or null when it was withheld because records failed
 *     ({@link ResultsIO.Write#withAllOrNothing})
 * @param outputs records written
 * @param errors records of this input written to the errors file
 */
public record WrittenFile(int input, String path, long outputs, long errors)
    implements Serializable {

  /** No input: what the sink's last step starts from when no input was left to write. */
  static final WrittenFile NONE = new WrittenFile(-1, null, 0, 0);
}
