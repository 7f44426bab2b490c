package ai.hubbatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Markdown page as the docs check reads it: its headings' anchors (as GitHub makes them), its
 * relative links, and the commands it marks with {@code <!-- checked -->} on the line before a
 * fenced block or a table.
 *
 * @param path the file
 * @param lines its lines
 */
record Markdown(Path path, List<String> lines) {

  /** The marker of a fenced block or table whose commands the docs check runs. */
  static final String CHECKED = "<!-- checked -->";

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern IMAGE = Pattern.compile("<img [^>]*src=\"([^\"]+)\"");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

  /**
   * A link as written.
   *
   * @param line its 1-based line
   * @param target the link's target
   */
  record Link(int line, String target) {}

  /**
   * A command the page marks as checked.
   *
   * @param line its 1-based line
   * @param text the command, continuation lines joined
   */
  record Command(int line, String text) {}

  static Markdown read(Path path) throws IOException {
    return new Markdown(path, Files.readAllLines(path, StandardCharsets.UTF_8));
  }

  /** The anchors of its headings: GitHub's slugs, with -1, -2 for repeated ones. */
  Set<String> anchors() {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.matches("#{1,6} .*")) {
        String slug = slug(line.replaceFirst("^#+ ", ""));
        int repeats = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
      }
    }
    return anchors;
  }

  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
  static String slug(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }

  /** Links and images outside code. */
  List<Link> links() {
    List<Link> links = new ArrayList<>();
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      String prose = CODE_SPAN.matcher(line).replaceAll("");
      for (Pattern pattern : List.of(LINK, IMAGE)) {
        Matcher m = pattern.matcher(prose);
        while (m.find()) {
          links.add(new Link(i + 1, m.group(1)));
        }
      }
    }
    return links;
  }

  /**
   * The commands of every checked block and table: the lines of a fenced block (a line ending in
   * {@code \} continues on the next), the code spans of a table's rows.
   */
  List<Command> checkedCommands() {
    List<Command> commands = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals(CHECKED)) {
        continue;
      }
      int start = i + 1;
      if (start < lines.size() && lines.get(start).startsWith("```")) {
        StringBuilder command = new StringBuilder();
        for (int j = start + 1; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
          String text = lines.get(j).strip();
          boolean continues = text.endsWith("\\");
          command.append(continues ? text.substring(0, text.length() - 1) : text).append(' ');
          if (!continues && !command.toString().isBlank()) {
            commands.add(new Command(j + 1, command.toString().strip()));
            command.setLength(0);
          }
        }
      } else {
        for (int j = start; j < lines.size() && lines.get(j).startsWith("|"); j++) {
          Matcher code = CODE_SPAN.matcher(lines.get(j));
          while (code.find()) {
            if (code.group(1).startsWith("./hubbatch ")) {
              commands.add(new Command(j + 1, code.group(1)));
            }
          }
        }
      }
    }
    return commands;
  }
}
