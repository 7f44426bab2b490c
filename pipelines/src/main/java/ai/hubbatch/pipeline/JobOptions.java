package ai.hubbatch.pipeline;

import ai.hubbatch.io.s3.S3Connection;
import ai.hubbatch.model.config.ConfigurationException;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Beam options for a hubbatch job: the user's Beam arguments plus hubbatch's defaults. */
public final class JobOptions {

  private JobOptions() {}

  /**
   * Parses and validates Beam arguments ({@code --name=value}).
   *
   * <p>On the DirectRunner, unless the arguments say otherwise: {@code run()} does not block (the
   * launcher shows progress), the checks that re-encode every element are off (they are for testing
   * new transforms), and {@code targetParallelism} is 1. The engines parallelise inside each
   * operator across all cores already; more DirectRunner threads only add its driver loop, which
   * busy-polls while a bundle runs and took half the CPU from the engine in {@code hubbatch bench}
   * (22.5 against 42.0 records/s on 2 cores).
   *
   * @throws IllegalArgumentException for an argument that is not a Beam option
   */
  public static PipelineOptions parse(List<String> args) {
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new ConfigurationException(
            "Unexpected argument '" + arg + "' (Beam options " + "are written --name=value)");
      }
    }
    S3Connection.register();
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).withValidation().create();
    if (options.getRunner().getSimpleName().equals("DirectRunner")) {
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setBlockOnRun(false);
      if (!given(args, "--enforce")) {
        direct.setEnforceImmutability(false);
        direct.setEnforceEncodability(false);
      }
      if (!given(args, "--targetParallelism")) {
        direct.setTargetParallelism(1);
      }
    }
    return options;
  }

  private static boolean given(List<String> args, String prefix) {
    return args.stream().anyMatch(a -> a.startsWith(prefix));
  }
}
