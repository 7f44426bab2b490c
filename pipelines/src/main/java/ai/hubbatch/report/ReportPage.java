package ai.hubbatch.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link RunReport} as one HTML page that needs nothing else: inline CSS, charts as inline
 * SVG, and a few lines of script that only improve what is already there (start and end times in
 * the reader's time zone). Tables scroll sideways on a phone; print hides the navigation and keeps
 * sections whole where it can.
 *
 * <p>When its script has run, the page marks its root element {@code data-report-ready="1"}; a
 * script error marks it {@code data-script-error}. The tests read both from the rendered DOM.
 */
public final class ReportPage {

  private static final String CSS =
      """
      :root{--fg:#1d232b;--muted:#5b6673;--line:#d9dee4;--bg:#fff;--tile:#f5f7f9;
      --accent:#2f6fba;--ok:#2e7d32;--warning:#a35f00;--failed:#c62828;color-scheme:light dark;
      font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
      background:var(--bg)}
      @media (prefers-color-scheme:dark){:root{--fg:#e6e9ed;--muted:#a3adb8;--line:#39414b;
      --bg:#15191e;--tile:#1e242b;--accent:#6aa8f0;--ok:#7bc47f;--warning:#f0a44b;
      --failed:#ef6b6b}}
      body{margin:0 auto;max-width:66rem;padding:.8rem 1rem 2rem}
      h1{font-size:1.35rem;margin:.2rem 0}
      h2{font-size:1.1rem;margin:1.6rem 0 .6rem;padding-bottom:.2rem;
      border-bottom:1px solid var(--line)}
      a{color:var(--accent)}
      nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.4rem 0 0;font-size:.9rem}
      .verdict{font-weight:600;margin:.3rem 0}
      .ok{color:var(--ok)}.warning{color:var(--warning)}.failed{color:var(--failed)}
      .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.5rem;
      margin:.6rem 0}
      .tile{background:var(--tile);border-radius:6px;padding:.45rem .65rem}
      .tile .v{display:block;font-size:1.25rem;font-weight:600;font-variant-numeric:tabular-nums}
      .tile .k{display:block;color:var(--muted);font-size:.8rem}
      .scroll{overflow-x:auto;margin:.6rem 0}
      table{border-collapse:collapse;width:100%;font-size:.88rem}
      caption{text-align:left;color:var(--muted);padding:.2rem 0}
      th,td{text-align:left;padding:.28rem .5rem;border-bottom:1px solid var(--line);
      vertical-align:top}
      th{font-weight:600}
      .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      tfoot td{font-weight:600}
      dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.2rem .9rem;
      margin:.6rem 0;font-size:.9rem}
      dt{color:var(--muted)}dd{margin:0;min-width:0;overflow-wrap:anywhere}
      code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;
      overflow-wrap:anywhere}
      td code{overflow-wrap:normal}
      .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(19rem,1fr));gap:1rem}
      figure{margin:.6rem 0}
      figcaption{font-size:.85rem;font-weight:600}
      svg{display:block;width:100%;height:auto}
      svg text{font-size:11px;fill:var(--muted)}
      svg .bar{fill:var(--accent)}svg .axis{stroke:var(--line)}
      .note{color:var(--muted);font-size:.9rem}
      footer{margin-top:2rem;color:var(--muted);font-size:.8rem}
      @media print{:root{--fg:#000;--muted:#444;--bg:#fff;--tile:#f3f3f3;--accent:#245a99}
      nav{display:none}body{max-width:none;padding:0}section,figure,tr{break-inside:avoid}
      a{color:inherit;text-decoration:none}}
      """;

  private static final String SCRIPT =
      """
      (function () {
        var root = document.documentElement;
        window.addEventListener('error', function (e) {
          root.setAttribute('data-script-error', String(e.message));
        });
        var local = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'medium'});
        document.querySelectorAll('time[datetime]').forEach(function (t) {
          t.title = t.textContent;
          t.textContent = local.format(new Date(t.getAttribute('datetime')));
        });
        root.setAttribute('data-report-ready', '1');
      })();
      """;

  private static final int CHART_WIDTH = 560;
  private static final int CHART_HEIGHT = 210;
  private static final int LEFT = 52;
  private static final int RIGHT = 8;
  private static final int TOP = 22;
  private static final int BOTTOM = 36;
  private static final int MOST_X_LABELS = 8;

  private ReportPage() {}

  /** The page. */
  public static String render(RunReport report) {
    Html html = new Html();
    html.raw("<!DOCTYPE html>").newline();
    html.open("html", "lang", "en").newline().open("head").newline();
    html.raw("<meta charset=\"utf-8\">").newline();
    html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">").newline();
    html.element("title", report.title()).newline();
    html.open("style").raw(CSS).close("style").newline();
    html.close("head").newline().open("body").newline();
    header(html, report);
    html.open("main").newline();
    for (Section section : report.sections()) {
      section(html, section);
    }
    html.close("main").newline();
    html.element("footer", report.footer()).newline();
    html.open("script").raw(SCRIPT).close("script").newline();
    html.close("body").newline().close("html").newline();
    return html.toString();
  }

  private static void header(Html html, RunReport report) {
    html.open("header").newline();
    html.element("h1", report.title()).newline();
    RunReport.Verdict verdict = report.verdict();
    html.open(
            "p",
            "class",
            "verdict " + verdict.level(),
            "data-figure",
            "exit-code",
            "data-value",
            Integer.toString(verdict.exitCode()))
        .text("Exit code " + verdict.exitCode() + ": " + verdict.text())
        .close("p")
        .newline();
    html.open("nav", "aria-label", "Sections");
    for (Section section : report.sections()) {
      html.element("a", section.title(), "href", "#" + section.id());
    }
    html.close("nav").newline().close("header").newline();
  }

  private static void section(Html html, Section section) {
    html.open("section", "id", section.id()).newline();
    html.element("h2", section.title()).newline();
    boolean inCharts = false;
    for (Block block : section.blocks()) {
      boolean chart = block instanceof Block.BarChart;
      if (chart && !inCharts) {
        html.open("div", "class", "charts");
      } else if (!chart && inCharts) {
        html.close("div").newline();
      }
      inCharts = chart;
      block(html, block);
    }
    if (inCharts) {
      html.close("div").newline();
    }
    html.close("section").newline();
  }

  private static void block(Html html, Block block) {
    if (block instanceof Block.Figures figures) {
      figures(html, figures.figures());
    } else if (block instanceof Block.Facts facts) {
      facts(html, facts.facts());
    } else if (block instanceof Block.Table table) {
      table(html, table);
    } else if (block instanceof Block.BarChart chart) {
      chart(html, chart);
    } else if (block instanceof Block.Note note) {
      html.element("p", note.text(), "class", "note").newline();
    }
  }

  private static void figures(Html html, List<Block.Figure> figures) {
    html.open("div", "class", "tiles").newline();
    for (Block.Figure figure : figures) {
      html.open(
          "div", "class", "tile", "data-figure", figure.id(), "data-value", number(figure.value()));
      html.element("span", figure.shown(), "class", "v");
      html.element("span", figure.label(), "class", "k");
      html.close("div").newline();
    }
    html.close("div").newline();
  }

  private static void facts(Html html, List<Block.Fact> facts) {
    html.open("dl").newline();
    for (Block.Fact fact : facts) {
      html.element("dt", fact.label());
      html.open("dd");
      if (fact.code()) {
        html.element("code", fact.value());
      } else if (fact.value().matches("\\d{4}-\\d\\d-\\d\\dT.*Z")) {
        // An instant: the script shows it in the reader's time zone.
        html.element("time", fact.value(), "datetime", fact.value());
      } else {
        html.text(fact.value());
      }
      html.close("dd").newline();
    }
    html.close("dl").newline();
  }

  private static void table(Html html, Block.Table table) {
    html.open("div", "class", "scroll").open("table");
    if (table.caption() != null) {
      html.element("caption", table.caption());
    }
    html.open("thead").open("tr");
    List<Block.Cell> first = table.rows().isEmpty() ? List.of() : table.rows().get(0);
    for (int i = 0; i < table.header().size(); i++) {
      boolean numeric = i < first.size() && first.get(i).numeric();
      html.element("th", table.header().get(i), "scope", "col", "class", numeric ? "n" : null);
    }
    html.close("tr").close("thead").newline().open("tbody").newline();
    rows(html, table.rows());
    html.close("tbody");
    if (!table.footer().isEmpty()) {
      html.open("tfoot");
      rows(html, table.footer());
      html.close("tfoot");
    }
    html.close("table").close("div").newline();
  }

  private static void rows(Html html, List<List<Block.Cell>> rows) {
    for (List<Block.Cell> row : rows) {
      html.open("tr");
      for (Block.Cell cell : row) {
        html.open(
            "td",
            "class",
            cell.numeric() ? "n" : null,
            "data-figure",
            cell.figure(),
            "data-value",
            cell.value());
        if (cell.code()) {
          html.element("code", cell.text());
        } else {
          html.text(cell.text());
        }
        html.close("td");
      }
      html.close("tr").newline();
    }
  }

  /** Bars scaled to the tallest, a y axis at 0, half and the top, and at most 8 x labels. */
  private static void chart(Html html, Block.BarChart chart) {
    html.open("figure", "id", chart.id()).newline();
    html.element("figcaption", chart.title());
    List<Block.Bar> bars = chart.bars();
    double top = bars.stream().mapToDouble(Block.Bar::value).max().orElse(0);
    double plotWidth = CHART_WIDTH - LEFT - RIGHT;
    double plotHeight = CHART_HEIGHT - TOP - BOTTOM;
    html.open(
        "svg",
        "viewBox",
        "0 0 " + CHART_WIDTH + " " + CHART_HEIGHT,
        "role",
        "img",
        "aria-label",
        chart.title());
    html.element("text", chart.yLabel(), "x", "0", "y", "11");
    for (int step = 0; step <= 2; step++) {
      double y = TOP + plotHeight * (1 - step / 2.0);
      html.raw(
          String.format(
              Locale.ROOT,
              "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
              LEFT,
              CHART_WIDTH - RIGHT,
              y,
              y));
      html.element(
          "text",
          axisNumber(top * step / 2),
          "x",
          Integer.toString(LEFT - 4),
          "y",
          coordinate(y + 4),
          "text-anchor",
          "end");
    }
    double slot = bars.isEmpty() ? plotWidth : plotWidth / bars.size();
    int labelEvery = Math.max(1, (int) Math.ceil(bars.size() / (double) MOST_X_LABELS));
    for (int i = 0; i < bars.size(); i++) {
      Block.Bar bar = bars.get(i);
      double height = top <= 0 ? 0 : plotHeight * bar.value() / top;
      double x = LEFT + slot * i;
      html.open(
          "rect",
          "class",
          "bar",
          "x",
          coordinate(x + slot * 0.1),
          "y",
          coordinate(TOP + plotHeight - height),
          "width",
          coordinate(Math.max(0.5, slot * 0.8)),
          "height",
          coordinate(height));
      html.element("title", bar.tooltip());
      html.close("rect");
      if (i % labelEvery == 0) {
        html.element(
            "text",
            bar.label(),
            "x",
            coordinate(x + slot / 2),
            "y",
            Integer.toString(CHART_HEIGHT - BOTTOM + 14),
            "text-anchor",
            "middle");
      }
    }
    html.element(
        "text",
        chart.xLabel(),
        "x",
        coordinate(LEFT + plotWidth / 2),
        "y",
        Integer.toString(CHART_HEIGHT - 4),
        "text-anchor",
        "middle");
    html.close("svg").close("figure").newline();
  }

  private static String coordinate(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String axisNumber(double value) {
    if (value >= 10_000) {
      return Format.count(Math.round(value));
    }
    return value >= 10 || value == Math.rint(value)
        ? Format.decimal(value, 0)
        : Format.decimal(value, 1);
  }

  /** The exact value for data-value: an integer without a decimal point, else as Java prints it. */
  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
