package ai.hubbatch.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the report shows of a command line and an environment holding secrets. */
class SecretsTest {

  @Test
  void masksSecretOptionsUrlUsersAndSecretValuesOnTheCommandLine() {
    List<String> secrets =
        Secrets.secretValues(Map.of("HF_TOKEN", "hf_abcdefghij", "HF_TASK", "x"));
    assertEquals(
        List.of(
            "run",
            "--input",
            "s3://bucket/in/",
            "--hfToken=***",
            "--api-key",
            "***",
            "--awsCredentialsProvider=***",
            "--s3-endpoint=http://***@minio:9000",
            "--model",
            "org/model-***",
            "--password",
            "--task=text-classification"),
        Secrets.maskArguments(
            List.of(
                "run",
                "--input",
                "s3://bucket/in/",
                "--hfToken=hf_1234",
                "--api-key",
                "abc",
                "--awsCredentialsProvider={\"@type\":\"StaticCredentialsProvider\","
                    + "\"accessKeyId\":\"AKIA\",\"secretAccessKey\":\"s\"}",
                "--s3-endpoint=http://minio:minio123@minio:9000",
                "--model",
                "org/model-hf_abcdefghij",
                "--password",
                "--task=text-classification"),
            secrets));
  }

  @Test
  void listsTheVariablesHubbatchReadsWithSecretsMasked() {
    assertEquals(
        Map.of(
            "AWS_ACCESS_KEY_ID", "***",
            "AWS_REGION", "eu-west-1",
            "AWS_SECRET_ACCESS_KEY", "***",
            "HF_ENDPOINT", "https://***@mirror.example",
            "HF_TOKEN", "***",
            "HUBBATCH_CACHE", "/cache"),
        Secrets.shownEnvironment(
            Map.of(
                "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
                "AWS_REGION", "eu-west-1",
                "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI",
                "HF_ENDPOINT", "https://user:pw@mirror.example",
                "HF_TOKEN", "hf_abcdefghij",
                "HUBBATCH_CACHE", "/cache",
                "PATH", "/usr/bin",
                "HOME", "/root")));
  }
}
