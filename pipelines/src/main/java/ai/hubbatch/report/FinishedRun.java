package ai.hubbatch.report;

import ai.hubbatch.pipeline.InferenceJob;
import ai.hubbatch.pipeline.JobSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the report tells of a finished job: everything the command knew, as it knew it. Secrets in
 * it are masked when the report is built, not here.
 *
 * @param command the command that ran ({@code run}, {@code transform}, {@code bench-engine})
 * @param arguments the command line after {@code hubbatch}, as given
 * @param environment the process's environment variables
 * @param job the job as it was resolved
 * @param model the model as it was located
 * @param runner the Beam runner's name
 * @param started when the command started
 * @param finished when the job finished
 * @param exitCode the command's exit code
 * @param summary what the job wrote and measured
 */
public record FinishedRun(
    String command,
    List<String> arguments,
    Map<String, String> environment,
    InferenceJob job,
    ModelInfo model,
    String runner,
    Instant started,
    Instant finished,
    int exitCode,
    JobSummary summary) {

  public FinishedRun {
    arguments = List.copyOf(arguments);
    environment = Map.copyOf(environment);
  }

  /**
   * The model, as the launcher located it.
   *
   * @param name as named (a Hub id, a path, an archive URI), or the default model's id
   * @param revision the Hub commit or {@code sha256:<hex>} of an archive; null for a folder
   * @param weights the weights file the engine loads, relative to the model folder; null if unknown
   */
  public record ModelInfo(String name, String revision, String weights) {}
}
