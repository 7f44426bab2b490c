package ai.hubbatch.pipeline;

import ai.hubbatch.io.AssembleWith;
import ai.hubbatch.io.SplitType;
import ai.hubbatch.model.config.ConfigurationException;
import ai.hubbatch.pipeline.dataprocessing.ContentType;
import ai.hubbatch.pipeline.dataprocessing.JoinSource;
import ai.hubbatch.pipeline.dataprocessing.JsonPath;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.io.Compression;

/**
 * A SageMaker {@code CreateTransformJob} request, read for {@code hubbatch transform}: where the
 * data is, how it is split and encoded, where outputs go, and the model's {@code Environment}.
 * Defaults are SageMaker's ({@code SplitType None}, {@code AssembleWith None}, {@code
 * MaxPayloadInMB 6}). Fields hubbatch cannot honour are errors; fields that do not apply to a run
 * without containers are reported in {@link #ignored()}, never passed over in silence.
 *
 * @param input the {@code S3Uri}: a key prefix, or the manifest's location
 * @param manifest whether {@code S3DataType} is {@code ManifestFile}
 * @param output the {@code S3OutputPath}
 * @param kmsKeyId the {@code TransformOutput.KmsKeyId} that encrypts the outputs (SSE-KMS), or null
 * @param settings the record and output settings
 * @param environment the {@code Environment} entries
 * @param ignored one line per field that has no effect, with the reason
 */
public record TransformJobFile(
    String input,
    boolean manifest,
    String output,
    String kmsKeyId,
    TransformSettings settings,
    Map<String, String> environment,
    List<String> ignored) {

  /** Environment entries hubbatch reads. */
  public static final Set<String> ENVIRONMENT = Set.of("HF_TASK", "HF_MODEL_ID", "HF_DTYPE");

  private static final Map<String, String> IGNORED =
      Map.of(
          "TransformJobName", "the job's name is informational",
          "ModelName", "the model comes from Environment HF_MODEL_ID, --model or the default",
          "MaxConcurrentTransforms", "parallelism is the Beam runner's (--targetParallelism, ...)",
          "ModelClientConfig", "there are no container invocations to time out or retry",
          "TransformResources", "the Beam runner decides the machines",
          "Tags", "there is no AWS resource to tag",
          "ExperimentConfig", "there is no SageMaker experiment");

  /**
   * Reads a request.
   *
   * @throws IllegalArgumentException naming the first field that is wrong or unsupported
   */
  public static TransformJobFile parse(JsonNode job) {
    Fields top =
        new Fields(
            job,
            "the job",
            IGNORED.keySet(),
            Set.of(
                "TransformInput",
                "TransformOutput",
                "DataProcessing",
                "Environment",
                "BatchStrategy",
                "MaxPayloadInMB"));
    List<String> ignored = new ArrayList<>();
    for (String name : top.present(IGNORED.keySet())) {
      ignored.add(name + ": " + IGNORED.get(name));
    }
    Fields input =
        top.object(
            "TransformInput",
            true,
            Set.of(),
            Set.of("DataSource", "ContentType", "CompressionType", "SplitType"));
    Fields source =
        input
            .object("DataSource", true, Set.of(), Set.of("S3DataSource"))
            .object("S3DataSource", true, Set.of(), Set.of("S3DataType", "S3Uri"));
    String dataType = source.text("S3DataType", "S3Prefix");
    if (!dataType.equals("S3Prefix") && !dataType.equals("ManifestFile")) {
      throw new ConfigurationException(
          "S3DataType "
              + dataType
              + " is not supported: use S3Prefix or ManifestFile (SageMaker refuses"
              + " AugmentedManifestFile for transforms)");
    }
    Fields output =
        top.object(
            "TransformOutput",
            true,
            Set.of(),
            Set.of("S3OutputPath", "Accept", "AssembleWith", "KmsKeyId"));
    Fields processing =
        top.object(
            "DataProcessing", false, Set.of(), Set.of("InputFilter", "OutputFilter", "JoinSource"));
    String compression = input.text("CompressionType", "None");
    if (!compression.equals("None") && !compression.equals("Gzip")) {
      throw new ConfigurationException(
          "CompressionType " + compression + " is not supported: use None or Gzip");
    }
    TransformSettings settings =
        new TransformSettings(
            ContentType.parse(input.text("ContentType", "application/json")),
            SplitType.parse(input.text("SplitType", "None")),
            BatchStrategy.parse(top.text("BatchStrategy", "MultiRecord")),
            top.integer("MaxPayloadInMB", 6),
            ContentType.parseAccept(output.text("Accept", "application/json")),
            AssembleWith.parse(output.text("AssembleWith", "None")),
            JoinSource.parse(processing.text("JoinSource", "None")),
            JsonPath.parse(processing.text("InputFilter", "$"), "InputFilter"),
            JsonPath.parse(processing.text("OutputFilter", "$"), "OutputFilter"),
            // None still decompresses .gz objects by name: their bytes are no request.
            compression.equals("Gzip") ? Compression.GZIP : Compression.AUTO,
            false);
    Map<String, String> environment = new TreeMap<>();
    Fields env = top.object("Environment", false, Set.of(), ENVIRONMENT);
    for (String name : ENVIRONMENT) {
      if (env.has(name)) {
        environment.put(name, env.text(name, null));
      }
    }
    return new TransformJobFile(
        source.required("S3Uri"),
        dataType.equals("ManifestFile"),
        output.required("S3OutputPath"),
        output.text("KmsKeyId", null),
        settings,
        environment,
        List.copyOf(ignored));
  }

  /** Reads from a JSON text. */
  public static TransformJobFile parse(String json) {
    try {
      return parse(new ObjectMapper().readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigurationException("The job file is not JSON: " + e.getOriginalMessage());
    }
  }

  /** One JSON object of the request, whose fields are all known. */
  private static final class Fields {
    private final JsonNode node;
    private final String where;

    Fields(JsonNode node, String where, Set<String> ignored, Set<String> known) {
      this.node = node;
      this.where = where;
      if (node != null && !node.isObject()) {
        throw new ConfigurationException(where + " must be a JSON object");
      }
      if (node == null) {
        return;
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!known.contains(name) && !ignored.contains(name)) {
          List<String> all = new ArrayList<>(known);
          all.addAll(ignored);
          all.sort(null);
          throw new ConfigurationException(
              "hubbatch does not support "
                  + name
                  + " in "
                  + where
                  + " (it reads "
                  + String.join(", ", all)
                  + ")");
        }
      }
    }

    List<String> present(Set<String> names) {
      List<String> found = new ArrayList<>();
      for (String name : names.stream().sorted().toList()) {
        if (has(name)) {
          found.add(name);
        }
      }
      return found;
    }

    boolean has(String name) {
      return node != null && node.has(name) && !node.get(name).isNull();
    }

    Fields object(String name, boolean required, Set<String> ignored, Set<String> known) {
      if (required && !has(name)) {
        throw new ConfigurationException(where + " needs " + name);
      }
      return new Fields(has(name) ? node.get(name) : null, name, ignored, known);
    }

    String text(String name, String otherwise) {
      if (!has(name)) {
        return otherwise;
      }
      JsonNode value = node.get(name);
      if (!value.isTextual()) {
        throw new ConfigurationException(where + "." + name + " must be a string");
      }
      return value.asText();
    }

    String required(String name) {
      String value = text(name, null);
      if (value == null || value.isBlank()) {
        throw new ConfigurationException(where + " needs " + name);
      }
      return value;
    }

    int integer(String name, int otherwise) {
      if (!has(name)) {
        return otherwise;
      }
      JsonNode value = node.get(name);
      if (!value.canConvertToInt()) {
        throw new ConfigurationException(where + "." + name + " must be a whole number");
      }
      return value.asInt();
    }
  }
}
