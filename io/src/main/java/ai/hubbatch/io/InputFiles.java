package ai.hubbatch.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Expands what the user gave as inputs (files, folders, globs, on any Beam file system) into the
 * job's list of {@link InputFile}s, before the pipeline runs: a job with no input fails at once,
 * and every file's output name is fixed up front.
 *
 * <p>A file's relative name is its path below the input's base: the folder given, or the part of a
 * glob before its first wildcard. On object stores ({@code s3://}) an input that is not an object
 * is a key prefix, as SageMaker's {@code S3Prefix}: {@code s3://b/in/day1} takes {@code
 * in/day1.jsonl} and {@code in/day1/x.jsonl}, named below {@code in/}, and {@code s3://b/in/} takes
 * every key below {@code in/}. Two inputs that would write the same output name are an error.
 *
 * <p>{@link #fromManifest} reads SageMaker's {@code ManifestFile} instead.
 */
public final class InputFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private InputFiles() {}

  /**
   * Lists the files.
   *
   * @param inputs file paths, folders (every file below, recursively) or globs
   * @throws IllegalArgumentException if an input matches nothing or two files share an output name
   */
  public static List<InputFile> expand(List<String> inputs) throws IOException {
    Map<String, MatchResult.Metadata> byName = new TreeMap<>();
    Map<String, String> owner = new HashMap<>();
    for (String input : inputs) {
      String spec = input;
      String base;
      if (hasWildcard(input)) {
        base = input.substring(0, input.lastIndexOf('/', firstWildcard(input)) + 1);
      } else if (isObjectStore(input) && !input.endsWith("/")) {
        // An object, else a key prefix: every key that starts with it.
        base = input.substring(0, input.lastIndexOf('/') + 1);
        if (!exists(input)) {
          spec = input + "**";
        }
      } else if (isDirectory(input)) {
        base = input.endsWith("/") ? input : input + "/";
        spec = base + "**";
      } else {
        base = input.substring(0, input.lastIndexOf('/') + 1);
      }
      MatchResult match = FileSystems.match(List.of(spec), EmptyMatchTreatment.ALLOW).get(0);
      List<MatchResult.Metadata> found = new ArrayList<>();
      if (match.status() == MatchResult.Status.OK) {
        found.addAll(match.metadata());
      }
      found.removeIf(m -> m.resourceId().isDirectory());
      String baseUri = FileSystems.matchNewResource(base.isEmpty() ? "./" : base, true).toString();
      Map<String, MatchResult.Metadata> named = new TreeMap<>();
      for (MatchResult.Metadata file : found) {
        String uri = file.resourceId().toString();
        String name =
            uri.startsWith(baseUri)
                ? uri.substring(baseUri.length())
                : file.resourceId().getFilename();
        if (!hidden(name)) {
          named.put(name, file);
        }
      }
      if (named.isEmpty()) {
        throw new IllegalArgumentException("No input files match " + input);
      }
      for (Map.Entry<String, MatchResult.Metadata> entry : named.entrySet()) {
        String name = entry.getKey();
        String uri = entry.getValue().resourceId().toString();
        String previous = owner.putIfAbsent(name, uri);
        if (previous != null && !previous.equals(uri)) {
          throw new IllegalArgumentException(
              "Two inputs would both write "
                  + name
                  + ".out: "
                  + previous
                  + " and "
                  + uri
                  + ". Give them different names or run them apart.");
        }
        byName.put(name, entry.getValue());
      }
    }
    List<InputFile> files = new ArrayList<>(byName.size());
    for (Map.Entry<String, MatchResult.Metadata> entry : byName.entrySet()) {
      MatchResult.Metadata file = entry.getValue();
      files.add(
          new InputFile(files.size(), file.resourceId().toString(), entry.getKey(), version(file)));
    }
    return files;
  }

  /**
   * What identifies an object's bytes as a listing shows them: its size and modification time, and
   * the store's checksum where it gives one. Two listings of unchanged bytes agree.
   */
  static String version(MatchResult.Metadata file) {
    return "size="
        + file.sizeBytes()
        + " modified="
        + file.lastModifiedMillis()
        + (file.checksum() == null ? "" : " checksum=" + file.checksum());
  }

  private static boolean isDirectory(String input) throws IOException {
    if (input.endsWith("/")) {
      return true;
    }
    MatchResult single = FileSystems.match(List.of(input), EmptyMatchTreatment.ALLOW).get(0);
    if (single.status() == MatchResult.Status.OK && !single.metadata().isEmpty()) {
      return single.metadata().get(0).resourceId().isDirectory();
    }
    // Not a file: a folder if anything lies below it.
    MatchResult below = FileSystems.match(List.of(input + "/*"), EmptyMatchTreatment.ALLOW).get(0);
    return below.status() == MatchResult.Status.OK && !below.metadata().isEmpty();
  }

  /**
   * Lists the objects of a SageMaker manifest: a JSON array whose first element is {@code
   * {"prefix": "s3://bucket/prefix/"}} and whose other elements are keys relative to it. Each
   * object's relative name is its entry, so {@code "2024/a.jsonl"} writes {@code 2024/a.jsonl.out}.
   * Objects are not checked here: one that cannot be read is an error record of the job.
   *
   * @throws IllegalArgumentException if the manifest is not in that form or names an object twice
   */
  public static List<InputFile> fromManifest(String manifest) throws IOException {
    JsonNode root;
    try (InputStream in =
        Channels.newInputStream(
            FileSystems.open(FileSystems.matchSingleFileSpec(manifest).resourceId()))) {
      root = JSON.readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "The manifest " + manifest + " is not JSON: " + e.getOriginalMessage());
    }
    String form =
        " must be a JSON array: [{\"prefix\": \"s3://bucket/prefix/\"}, "
            + "\"relative/key\", ...]";
    if (root == null
        || !root.isArray()
        || root.isEmpty()
        || !root.get(0).isObject()
        || !root.get(0).path("prefix").isTextual()) {
      throw new IllegalArgumentException("The manifest " + manifest + form);
    }
    String prefix = root.get(0).get("prefix").asText();
    Map<String, String> byName = new TreeMap<>();
    for (int i = 1; i < root.size(); i++) {
      JsonNode entry = root.get(i);
      if (!entry.isTextual() || entry.asText().isEmpty()) {
        throw new IllegalArgumentException(
            "The manifest " + manifest + " entry " + i + " is not a key: it" + form);
      }
      String name = entry.asText();
      if (byName.put(name, prefix + name) != null) {
        throw new IllegalArgumentException(
            "The manifest " + manifest + " names " + name + " twice");
      }
    }
    if (byName.isEmpty()) {
      throw new IllegalArgumentException("The manifest " + manifest + " names no objects");
    }
    // One match of every object (parallel requests on object stores) gives their versions. An
    // object that is missing, or whose key a match would take for a glob, keeps none: --resume
    // then redoes it, and a missing one fails as an error record of the job.
    List<String> exact = byName.values().stream().filter(source -> !hasWildcard(source)).toList();
    Map<String, String> versions = new HashMap<>();
    List<MatchResult> matches = FileSystems.match(exact, EmptyMatchTreatment.ALLOW);
    for (int i = 0; i < exact.size(); i++) {
      MatchResult match = matches.get(i);
      if (match.status() == MatchResult.Status.OK && match.metadata().size() == 1) {
        versions.put(exact.get(i), version(match.metadata().get(0)));
      }
    }
    List<InputFile> files = new ArrayList<>(byName.size());
    for (Map.Entry<String, String> entry : byName.entrySet()) {
      files.add(
          new InputFile(
              files.size(), entry.getValue(), entry.getKey(), versions.get(entry.getValue())));
    }
    return files;
  }

  private static boolean isObjectStore(String input) {
    return input.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !input.startsWith("file://");
  }

  private static boolean exists(String input) throws IOException {
    MatchResult single = FileSystems.match(List.of(input), EmptyMatchTreatment.ALLOW).get(0);
    return single.status() == MatchResult.Status.OK && !single.metadata().isEmpty();
  }

  /**
   * Whether a file below an input's base is skipped: its name, or a folder on its way below the
   * base, starts with {@code .} or {@code _} ({@code _SUCCESS}, {@code .hubbatch/} bookkeeping of
   * an output folder inside the input).
   */
  private static boolean hidden(String relativeName) {
    for (String part : relativeName.split("/")) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasWildcard(String input) {
    return firstWildcard(input) >= 0;
  }

  private static int firstWildcard(String input) {
    int first = -1;
    for (char c : new char[] {'*', '?', '['}) {
      int i = input.indexOf(c);
      if (i >= 0 && (first < 0 || i < first)) {
        first = i;
      }
    }
    return first;
  }
}
