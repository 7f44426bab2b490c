package ai.hubbatch.cli;

import ai.hubbatch.bench.BenchCommand;
import ai.hubbatch.bench.BenchEngineCommand;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.serve.ServeBenchCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hubbatch} command line. */
@Command(
    name = "hubbatch",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Batch inference for Hugging Face Hub models on Apache Beam.",
    subcommands = {
      RunCommand.class,
      TransformCommand.class,
      ServeCommand.class,
      BenchCommand.class,
      BenchEngineCommand.class,
      ServeBenchCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every record got an output",
      "1:the job finished but some records failed (see _errors.jsonl)",
      "2:the command or its configuration is wrong",
      "3:the job failed"
    })
public final class Main implements Runnable {

  /** Exit code when the job ran but records failed. */
  static final int RECORDS_FAILED = 1;

  /** Exit code for a wrong command line or configuration. */
  static final int USAGE = 2;

  /** Exit code when the job itself failed. */
  static final int JOB_FAILED = 3;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code, without exiting. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::handle);
    return cli.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * Configuration mistakes ({@link ConfigurationException} anywhere in the causes: on a worker, the
   * runner wraps it) get their message and exit 2; anything else is a failed job.
   */
  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    Throwable cause = e;
    while (cause.getCause() != null
        && cause.getCause() != cause
        && !(cause instanceof ConfigurationException)) {
      cause = cause.getCause();
    }
    if (cause instanceof ConfigurationException) {
      err.println("hubbatch: " + cause.getMessage());
      return USAGE;
    }
    err.println("hubbatch: the job failed: " + rootMessage(e));
    if (System.getenv("HUBBATCH_DEBUG") != null) {
      e.printStackTrace(err);
    } else {
      err.println("(set HUBBATCH_DEBUG=1 for the stack trace)");
    }
    return JOB_FAILED;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"hubbatch " + (version == null ? "(development build)" : version)};
    }
  }
}
