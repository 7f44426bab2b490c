package ai.hubbatch.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One run report: a title, the verdict (the exit code and what it means), and sections. Immutable;
 * {@code withX} returns a copy, so later work adds what it knows without touching what built the
 * rest.
 *
 * @param title the page's title
 * @param verdict how the job ended
 * @param sections in order
 * @param footer the last line: who wrote the page and when
 */
public record RunReport(String title, Verdict verdict, List<Section> sections, String footer) {

  public RunReport {
    sections = List.copyOf(sections);
  }

  /**
   * How the job ended.
   *
   * @param exitCode the command's exit code
   * @param text what it means for this job
   * @param level how it reads: {@code ok}, {@code warning} or {@code failed}
   */
  public record Verdict(int exitCode, String text, String level) {}

  /** A copy with one more section at the end. */
  public RunReport withSection(Section section) {
    List<Section> more = new ArrayList<>(sections);
    more.add(section);
    return new RunReport(title, verdict, more, footer);
  }

  /** A copy with {@code block} added at the end of the section {@code id}. */
  public RunReport withBlock(String id, Block block) {
    section(id).orElseThrow(() -> new IllegalArgumentException("No section " + id));
    List<Section> changed =
        sections.stream().map(s -> s.id().equals(id) ? s.withBlock(block) : s).toList();
    return new RunReport(title, verdict, changed, footer);
  }

  /** The section of this id. */
  public Optional<Section> section(String id) {
    return sections.stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
