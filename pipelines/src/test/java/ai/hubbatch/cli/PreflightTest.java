package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hubbatch.io.FullDiskFileSystem;
import ai.hubbatch.io.LockHolder;
import ai.hubbatch.io.S3Fixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code run} checks before any model is located or loaded: each mistake exits 2 with a
 * message that names the fix, where the job used to run the whole model and then exit 3. Every
 * command here also names a model that does not exist: the output's problem is reported, so it was
 * found first.
 */
class PreflightTest {

  @TempDir Path dir;
  @RegisterExtension final S3ProxyExtension server = S3Fixture.server();
  private S3Fixture s3;
  private Path input;
  private String missingModel;

  @BeforeEach
  void setUp() throws Exception {
    s3 = new S3Fixture(server);
    s3.createBucket("out");
    input = dir.resolve("in.jsonl");
    Files.writeString(input, "{\"inputs\":\"fine\"}\n");
    missingModel = dir.resolve("no-model").toString();
  }

  private CliRun run(String output, String... more) {
    String[] args = new String[6 + more.length];
    String[] base = {"run", "-i", input.toString(), "-o", output, "--model=" + missingModel};
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return CliRun.of(args);
  }

  private static void assertRefused(CliRun result, String message) {
    assertEquals(2, result.code(), result.err());
    assertTrue(result.err().contains(message), result.err());
    assertFalse(result.err().contains("Model folder not found"), "checked before the model");
  }

  @Test
  void anOutputThatIsAFileOrCannotBeWrittenIsRefused() throws Exception {
    Path file = dir.resolve("results.txt");
    Files.writeString(file, "a file");
    assertRefused(run(file.toString()), "The output " + file + " cannot be a folder: " + file);

    FullDiskFileSystem.denyWrites();
    try {
      String denied = FullDiskFileSystem.uri(dir.resolve("denied"));
      assertRefused(
          run(denied),
          "Cannot write into the output "
              + denied
              + ": permission denied on "
              + dir.resolve("denied/.hubbatch/lock")
              + ": choose a folder this user may write, or change its permissions");
    } finally {
      FullDiskFileSystem.reset();
    }
  }

  @Test
  void aFolderThisUserMayNotWriteIsRefused() throws Exception {
    assumeTrue(!"root".equals(System.getProperty("user.name")), "root may write anywhere");
    Path locked = dir.resolve("locked");
    Files.createDirectories(locked);
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    assertRefused(
        run(locked.resolve("out").toString()),
        "Cannot write into the output " + locked.resolve("out") + "/: permission denied on");
  }

  @Test
  void s3ProblemsAreRefusedWithTheirFix() {
    String endpoint = "--s3-endpoint=" + s3.endpoint();
    assertRefused(
        run("s3://no-such-bucket/out/", endpoint, S3Fixture.credentialsOption()),
        "Cannot write into the output s3://no-such-bucket/out/: the bucket does not exist (S3"
            + " said 404 NoSuchBucket): create it, or fix the bucket's name");
    assertRefused(
        run("s3://out/x/", "--s3-endpoint=http://127.0.0.1:9", S3Fixture.credentialsOption()),
        "Cannot write into the output s3://out/x/: the S3 endpoint cannot be reached");
    assertTrue(s3.keys("out").isEmpty(), "nothing written");
  }

  @Test
  void noCredentialsAtAllIsRefusedNamingWhereTheyComeFrom() throws Exception {
    assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null, "this machine has AWS credentials");
    Map<String, String> saved = new HashMap<>();
    Map<String, String> none =
        Map.of(
            "aws.sharedCredentialsFile", dir.resolve("no-credentials").toString(),
            "aws.configFile", dir.resolve("no-config").toString(),
            "aws.disableEc2Metadata", "true");
    none.forEach((key, value) -> saved.put(key, System.setProperty(key, value)));
    try {
      assertRefused(
          run("s3://out/x/", "--s3-endpoint=" + s3.endpoint()),
          "No AWS credentials were found for S3: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    } finally {
      saved.forEach(
          (key, value) -> {
            if (value == null) {
              System.clearProperty(key);
            } else {
              System.setProperty(key, value);
            }
          });
    }
  }

  /** The case: a second job into a folder another job is writing. */
  @Test
  void aFolderAnotherJobHoldsIsRefusedNamingThatJob() throws Exception {
    Path out = dir.resolve("out");
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                out.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String said =
          new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertTrue(said != null && said.startsWith("locked "), String.valueOf(said));
      assertRefused(
          run(out.toString()),
          "Another hubbatch job is writing into "
              + out
              + "/ (job held-by-another-process, process "
              + other.pid()
              + " on ");
    } finally {
      other.destroyForcibly();
    }
  }
}
