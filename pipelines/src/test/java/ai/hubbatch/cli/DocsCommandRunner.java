package ai.hubbatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs hubbatch command lines one after the other in this JVM, as {@code ./hubbatch} would run
 * each: started by {@link DocsCommandsTest} in the repository root, so the docs' relative paths
 * mean what they say, and once for all commands, so the JVM and the models load once.
 *
 * <p>Arguments: a file of commands (one JSON array of arguments per line) and a file to write the
 * exit codes to, one per line.
 */
public final class DocsCommandRunner {

  private DocsCommandRunner() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> codes = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      String[] command = json.readValue(line, String[].class);
      codes.add(Integer.toString(Main.execute(command)));
      Files.write(Path.of(args[1]), codes, StandardCharsets.UTF_8);
    }
    System.exit(0);
  }
}
