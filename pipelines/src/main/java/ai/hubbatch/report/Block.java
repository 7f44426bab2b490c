package ai.hubbatch.report;

import java.util.List;
import java.util.Objects;

/**
 * A piece of a {@link Section}: figures, facts, a table, a bar chart or a note. Each is plain data;
 * {@link ReportPage} draws them.
 */
public sealed interface Block
    permits Block.Figures, Block.Facts, Block.Table, Block.BarChart, Block.Note {

  /**
   * Headline numbers, drawn as tiles.
   *
   * @param figures in order
   */
  record Figures(List<Figure> figures) implements Block {
    public Figures {
      figures = List.copyOf(figures);
    }
  }

  /**
   * One headline number. The page carries it as {@code data-figure="id"} with the exact value in
   * {@code data-value}, so tools (and the tests) read it without parsing the shown text.
   *
   * @param id a stable name, such as {@code records-read}
   * @param label what it is, for people
   * @param value the exact value
   * @param shown the value as shown, with its unit
   */
  record Figure(String id, String label, double value, String shown) {
    public Figure {
      Objects.requireNonNull(id);
      Objects.requireNonNull(shown);
    }
  }

  /**
   * Label and value pairs, such as the job's settings.
   *
   * @param facts in order
   */
  record Facts(List<Fact> facts) implements Block {
    public Facts {
      facts = List.copyOf(facts);
    }
  }

  /**
   * One label and value.
   *
   * @param label what it is
   * @param value its value
   * @param code whether the value is code or a path, shown in a fixed-width font
   */
  record Fact(String label, String value, boolean code) {}

  /**
   * A table, scrolling sideways on narrow screens.
   *
   * @param caption what it shows, or null
   * @param header column names
   * @param rows the rows, each as many cells as the header has names
   * @param footer closing rows (totals, what was left out), or none
   */
  record Table(String caption, List<String> header, List<List<Cell>> rows, List<List<Cell>> footer)
      implements Block {
    public Table {
      header = List.copyOf(header);
      rows = rows.stream().map(List::copyOf).toList();
      footer = footer.stream().map(List::copyOf).toList();
    }
  }

  /**
   * A table cell.
   *
   * @param text what it shows
   * @param numeric right-aligned, with tabular digits
   * @param code in a fixed-width font
   * @param figure a {@code data-figure} name, or null
   * @param value the exact value for {@code data-value}, or null
   */
  record Cell(String text, boolean numeric, boolean code, String figure, String value) {

    public static Cell text(String text) {
      return new Cell(text, false, false, null, null);
    }

    public static Cell code(String text) {
      return new Cell(text, false, true, null, null);
    }

    public static Cell number(long value) {
      return new Cell(Format.count(value), true, false, null, Long.toString(value));
    }

    /** A number the page marks as the figure {@code figure}. */
    public static Cell figure(String figure, long value) {
      return new Cell(Format.count(value), true, false, figure, Long.toString(value));
    }
  }

  /**
   * A bar chart in inline SVG: a histogram or values over time.
   *
   * @param id a stable name for the chart
   * @param title what it shows
   * @param xLabel what the bars are (below the chart)
   * @param yLabel what their height is (above it)
   * @param bars in order, left to right
   */
  record BarChart(String id, String title, String xLabel, String yLabel, List<Bar> bars)
      implements Block {
    public BarChart {
      bars = List.copyOf(bars);
    }
  }

  /**
   * One bar.
   *
   * @param label its name on the x axis
   * @param value its height
   * @param tooltip what hovering it tells
   */
  record Bar(String label, double value, String tooltip) {}

  /**
   * A sentence or two.
   *
   * @param text the text
   */
  record Note(String text) implements Block {}
}
