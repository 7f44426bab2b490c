package ai.hubbatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SageMaker and toolkit variables as serve reads them. */
class ServeSettingsTest {

  @Test
  void defaultsAreTheToolkits() {
    ServeSettings settings = ServeSettings.fromEnvironment(Map.of());
    assertEquals(8080, settings.port());
    assertEquals(6_553_500, settings.maxRequestBytes());
    assertEquals(16, settings.maxConcurrent());
    assertEquals(Duration.ofMinutes(60), settings.timeout());
    assertEquals(List.of(), settings.secrets());
  }

  @Test
  void readsSageMakersVariables() {
    ServeSettings settings =
        ServeSettings.fromEnvironment(
            Map.of(
                "SAGEMAKER_BIND_TO_PORT",
                "8085",
                "SAGEMAKER_MAX_PAYLOAD_IN_MB",
                "20",
                "SAGEMAKER_MODEL_SERVER_WORKERS",
                "3",
                "SAGEMAKER_MODEL_SERVER_TIMEOUT",
                "2",
                "HF_API_TOKEN",
                "hf_a",
                "AWS_SESSION_TOKEN",
                " "));
    assertEquals(8085, settings.port());
    assertEquals(20 << 20, settings.maxRequestBytes());
    assertEquals(3, settings.maxConcurrent());
    assertEquals(Duration.ofMinutes(2), settings.timeout(), "minutes, as the model server");
    assertEquals(List.of("hf_a"), settings.secrets());
    assertEquals(
        "{\"MaxConcurrentTransforms\":3,\"BatchStrategy\":\"MULTI_RECORD\","
            + "\"MaxPayloadInMB\":20}",
        settings.executionParameters());
  }

  @Test
  void explicitVariablesWinAndSageMakersProductLimitHolds() {
    ServeSettings settings =
        ServeSettings.fromEnvironment(
            Map.of(
                "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS",
                "40",
                "SAGEMAKER_MODEL_SERVER_WORKERS",
                "3",
                "SAGEMAKER_MODEL_SERVER_TIMEOUT",
                "2",
                "SAGEMAKER_MODEL_SERVER_TIMEOUT_SECONDS",
                "90",
                "SAGEMAKER_MAX_PAYLOAD_IN_MB",
                "6"));
    assertEquals(40, settings.maxConcurrent());
    assertEquals(Duration.ofSeconds(90), settings.timeout());
    // 40 x 6 MB would pass SageMaker's 100 MB: offer 16.
    assertEquals(
        "{\"MaxConcurrentTransforms\":16,\"BatchStrategy\":\"MULTI_RECORD\","
            + "\"MaxPayloadInMB\":6}",
        settings.executionParameters());
    ServeSettings unlimited =
        ServeSettings.fromEnvironment(Map.of("SAGEMAKER_MAX_PAYLOAD_IN_MB", "0"));
    assertEquals(Integer.MAX_VALUE, unlimited.maxRequestBytes());
  }

  @Test
  void badValuesNameTheirVariable() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServeSettings.fromEnvironment(Map.of("SAGEMAKER_BIND_TO_PORT", "http")));
    assertEquals(
        "SAGEMAKER_BIND_TO_PORT must be a whole number of at least 0, got 'http'", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ServeSettings.fromEnvironment(Map.of("SAGEMAKER_BIND_TO_PORT", "70000")));
  }
}
