package ai.hubbatch.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Expands what the user gave as inputs (files, folders, globs, on any Beam file system) into the
 * job's list of {@link InputFile}s, before the pipeline runs: a job with no input fails at once,
 * and every file's output name is fixed up front.
 *
 * <p>A file's relative name is its path below the input's base: the folder given, or the part of
 * a glob before its first wildcard. Two inputs that would write the same output name are an
 * error.
 */
public final class InputFiles {

  private InputFiles() {}

  /**
   * Lists the files.
   *
   * @param inputs file paths, folders (every file below, recursively) or globs
   * @throws IllegalArgumentException if an input matches nothing or two files share an output
   *     name
   */
  public static List<InputFile> expand(List<String> inputs) throws IOException {
    Map<String, String> byName = new TreeMap<>();
    Map<String, String> owner = new HashMap<>();
    for (String input : inputs) {
      String spec = input;
      String base;
      if (hasWildcard(input)) {
        base = input.substring(0, input.lastIndexOf('/', firstWildcard(input)) + 1);
      } else if (isDirectory(input)) {
        base = input.endsWith("/") ? input : input + "/";
        spec = base + "**";
      } else {
        base = input.substring(0, input.lastIndexOf('/') + 1);
      }
      MatchResult match =
          FileSystems.match(List.of(spec), EmptyMatchTreatment.ALLOW).get(0);
      List<MatchResult.Metadata> found = new ArrayList<>();
      if (match.status() == MatchResult.Status.OK) {
        found.addAll(match.metadata());
      }
      found.removeIf(m -> m.resourceId().isDirectory() || hidden(m.resourceId()));
      if (found.isEmpty()) {
        throw new IllegalArgumentException("No input files match " + input);
      }
      String baseUri = FileSystems.matchNewResource(base.isEmpty() ? "./" : base, true).toString();
      for (MatchResult.Metadata file : found) {
        String uri = file.resourceId().toString();
        String name = uri.startsWith(baseUri) ? uri.substring(baseUri.length())
            : file.resourceId().getFilename();
        String previous = owner.putIfAbsent(name, uri);
        if (previous != null && !previous.equals(uri)) {
          throw new IllegalArgumentException("Two inputs would both write " + name + ".out: "
              + previous + " and " + uri + ". Give them different names or run them apart.");
        }
        byName.put(name, uri);
      }
    }
    List<InputFile> files = new ArrayList<>(byName.size());
    for (Map.Entry<String, String> entry : byName.entrySet()) {
      files.add(new InputFile(files.size(), entry.getValue(), entry.getKey()));
    }
    return files;
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
    MatchResult below =
        FileSystems.match(List.of(input + "/*"), EmptyMatchTreatment.ALLOW).get(0);
    return below.status() == MatchResult.Status.OK && !below.metadata().isEmpty();
  }

  private static boolean hidden(ResourceId resource) {
    String name = resource.getFilename();
    return name == null || name.startsWith(".") || name.startsWith("_");
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
