package ai.hubbatch.cli;

import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.pipeline.TransformJobFile;
import ai.hubbatch.pipeline.TransformSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hubbatch transform --job job.json}: runs a SageMaker {@code CreateTransformJob} request.
 * Every {@code run} option is accepted too and wins over the job file, so {@code --s3-endpoint},
 * {@code --model} or {@code --output} can point a job elsewhere.
 */
@Command(
    name = "transform",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a SageMaker CreateTransformJob request (TransformInput, TransformOutput, "
          + "DataProcessing, BatchStrategy, MaxPayloadInMB, Environment HF_TASK/HF_MODEL_ID/"
          + "HF_DTYPE) "
          + "and writes the .out objects SageMaker would, plus _errors.jsonl.",
      "Command-line options win over the job file; options not listed here go to Apache Beam."
    })
final class TransformCommand extends RunCommand {

  @Option(names = "--job", required = true, description = "The CreateTransformJob JSON file.")
  Path job;

  @Spec CommandSpec spec;

  private TransformJobFile file;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(job)) {
      throw new ConfigurationException("Job file not found: " + job);
    }
    file = TransformJobFile.parse(Files.readString(job));
    file.ignored().forEach(line -> System.err.println("hubbatch: ignoring " + line));
    if (inputs == null) {
      inputs = List.of(file.input());
    }
    if (output == null) {
      output = file.output();
    }
    if (s3DataType == null && file.manifest()) {
      s3DataType = "ManifestFile";
    }
    // The job's Environment wins over this process's HF_TASK, HF_MODEL_ID and HF_DTYPE, not over
    // options.
    if (!given("--task") && file.environment().containsKey("HF_TASK")) {
      inference.task = file.environment().get("HF_TASK");
    }
    if (!given("--model") && file.environment().containsKey("HF_MODEL_ID")) {
      inference.model = file.environment().get("HF_MODEL_ID");
    }
    if (!given("--dtype") && file.environment().containsKey("HF_DTYPE")) {
      inference.dtype = file.environment().get("HF_DTYPE");
    }
    return super.call();
  }

  @Override
  String kmsKeyId() {
    return s3KmsKeyId != null ? s3KmsKeyId : file.kmsKeyId();
  }

  @Override
  TransformSettings defaultSettings() {
    return file.settings();
  }

  private boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }
}
