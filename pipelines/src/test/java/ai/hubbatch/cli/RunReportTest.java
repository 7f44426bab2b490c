package ai.hubbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hubbatch.model.TinyModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report as a person sees it: a job runs from the command line, its {@code _report.html}
 * opens in headless Chromium (Debian's {@code chromium}), and the page, as the browser rendered it
 * with its script run, shows the numbers of the run summary, the per-input counts of the files the
 * job wrote, and the errors of its errors file. A screenshot at a phone's width is saved to {@code
 * target/report-screenshot.png}.
 *
 * <p>Skipped where {@code /usr/bin/chromium} is missing, unless {@code HUBBATCH_REQUIRE_CHROMIUM=1}
 * (as {@code .ci/run} sets), where that fails.
 */
class RunReportTest {

  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

  @TempDir Path dir;

  @Test
  void theReportShowsTheRunSummaryInChromium() throws Exception {
    boolean required = "1".equals(System.getenv("HUBBATCH_REQUIRE_CHROMIUM"));
    assumeTrue(required || Files.isExecutable(CHROMIUM), "no /usr/bin/chromium");
    assertTrue(
        Files.isExecutable(CHROMIUM),
        "HUBBATCH_REQUIRE_CHROMIUM=1, but /usr/bin/chromium is missing (apt-get install chromium)");

    Path reviews = Paths.get("../samples/text/reviews.jsonl").toAbsolutePath().normalize();
    Path mixed = dir.resolve("mixed.jsonl");
    Files.writeString(
        mixed,
        "{\"inputs\":\"Works as promised.\"}\n"
            + "this line is not JSON\n"
            + "\n"
            + "{\"inputs\": 5}\n"
            + "{\"inputs\":\"Stopped working after a week, and support never answered.\"}\n"
            + "{\"inputs\":\n");
    Path out = dir.resolve("out");
    CliRun run =
        CliRun.of(
            "run",
            "--input",
            reviews.toString(),
            "--input",
            mixed.toString(),
            "--output",
            out.toString(),
            "--model",
            TinyModels.folder("tiny-bert-sentiment").toString(),
            "--task",
            "text-classification",
            "--batch-size",
            "4");
    assertEquals(1, run.code(), run.err());
    Path page = out.resolve("_report.html");
    assertTrue(Files.isRegularFile(page), run.err());

    Chromium chromium = new Chromium(Files.createDirectories(dir.resolve("chromium")));
    Rendered rendered = chromium.open(page);
    Document dom = rendered.dom();
    assertEquals("1", dom.selectFirst("html").attr("data-report-ready"), "the script did not run");
    assertFalse(
        dom.selectFirst("html").hasAttr("data-script-error"),
        dom.selectFirst("html").attr("data-script-error"));
    assertFalse(rendered.log().contains("Uncaught"), rendered.log());

    Map<String, String> summary = summary(run.out());
    assertEquals(summary.get("read"), figure(dom, "records-read"));
    assertEquals(summary.get("outputs"), figure(dom, "outputs"));
    assertEquals(summary.get("errors"), figure(dom, "errors"));
    assertEquals(summary.get("blank"), figure(dom, "blank-lines"));
    assertEquals(summary.get("batches"), figure(dom, "batches"));
    assertEquals(summary.get("most-sequences"), figure(dom, "batch-size-max"));
    assertEquals(summary.get("most-padded"), figure(dom, "padded-tokens-max"));
    assertEquals("1", figure(dom, "exit-code"));
    assertNear(summary, "records-per-second", dom, "records-per-second", 0.05);
    assertNear(summary, "tokens-per-second", dom, "tokens-per-second", 0.5);
    assertNear(summary, "padding", dom, "padding-efficiency", 0.0005);
    assertNear(summary, "mean-sequences", dom, "batch-size-mean", 0.05);
    assertNear(summary, "mean-padded", dom, "padded-tokens-mean", 0.5);
    assertNear(summary, "latency-mean", dom, "latency-mean-ms", 0.05);
    assertNear(summary, "latency-max", dom, "latency-max-ms", 0.05);
    if (summary.containsKey("model-load")) { // an earlier test in this JVM may have loaded it
      assertNear(summary, "model-load", dom, "model-load-s", 0.05);
    }
    double p50 = number(dom, "latency-p50-ms");
    double p99 = number(dom, "latency-p99-ms");
    assertTrue(0 < p50 && p50 <= p99 && p99 <= number(dom, "latency-max-ms"), p50 + " " + p99);
    assertTrue(number(dom, "first-prediction-s") > 0);

    // Per input: what the job wrote, counted from its files.
    List<String> errorLines = Files.readAllLines(out.resolve("_errors.jsonl"));
    ObjectMapper json = new ObjectMapper();
    Map<String, Integer> errorsPerFile = new HashMap<>();
    for (String line : errorLines) {
      JsonNode error = json.readTree(line);
      errorsPerFile.merge(
          Paths.get(error.get("file").asText()).getFileName().toString(), 1, Integer::sum);
    }
    for (Path input : List.of(reviews, mixed)) {
      String name = input.getFileName().toString();
      Element row =
          dom.select("#counts tbody tr").stream()
              .filter(tr -> tr.child(0).text().equals(name))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no row for " + name));
      int outputs = Files.readAllLines(out.resolve(name + ".out")).size();
      int errors = errorsPerFile.getOrDefault(name, 0);
      assertEquals(Integer.toString(outputs + errors), row.child(1).attr("data-value"), name);
      assertEquals(Integer.toString(outputs), row.child(2).attr("data-value"), name);
      assertEquals(Integer.toString(errors), row.child(3).attr("data-value"), name);
    }

    // Errors: every line of the errors file, grouped, with the first examples.
    assertEquals(Integer.toString(errorLines.size()), figure(dom, "errors-listed"));
    assertTrue(
        dom.select("#errors").text().contains("Not valid JSON"), dom.select("#errors").text());
    assertTrue(
        dom.select("#errors").text().contains("mixed.jsonl:2"), dom.select("#errors").text());

    // Charts: the bars add up to the job's records, tokens and engine calls.
    assertEquals(Long.parseLong(summary.get("read")), sum(dom, "#records-over-time", "records,"));
    double tokensPerSecond = sum(dom, "#tokens-over-time", "tokens,") / number(dom, "seconds");
    assertEquals(number(dom, "tokens-per-second"), tokensPerSecond, 0.01);
    assertEquals(Long.parseLong(summary.get("batches")), sum(dom, "#batch-sizes", "calls"));
    assertEquals(Long.parseLong(summary.get("batches")), sum(dom, "#padded-tokens", "calls"));

    Path screenshot = Paths.get("target/report-screenshot.png").toAbsolutePath();
    chromium.screenshot(page, screenshot, 412, 2400);
    BufferedImage image = ImageIO.read(screenshot.toFile());
    assertNotNull(image, "not a PNG: " + screenshot);
    assertEquals(412, image.getWidth());
  }

  /** The summary's figures, from the lines `hubbatch run` printed. */
  private static Map<String, String> summary(String out) {
    Map<String, String> figures = new HashMap<>();
    find(
        out,
        "records read +([\\d,]+)(?: \\(blank lines skipped: ([\\d,]+)\\))?",
        m -> {
          figures.put("read", m.group(1));
          figures.put("blank", m.group(2) == null ? "0" : m.group(2));
        });
    find(out, "outputs +([\\d,]+)", m -> figures.put("outputs", m.group(1)));
    find(out, "errors +([\\d,]+)", m -> figures.put("errors", m.group(1)));
    find(
        out,
        "throughput +([\\d.]+) records/s, ([\\d.]+) tokens/s",
        m -> {
          figures.put("records-per-second", m.group(1));
          figures.put("tokens-per-second", m.group(2));
        });
    find(
        out,
        "batches +([\\d,]+) \\(padding efficiency ([\\d.]+)\\)",
        m -> {
          figures.put("batches", m.group(1));
          figures.put("padding", m.group(2));
        });
    find(
        out,
        "batch size +([\\d.]+) sequences, ([\\d.]+) padded tokens on average \\(at most ([\\d,]+),"
            + " ([\\d,]+)\\)",
        m -> {
          figures.put("mean-sequences", m.group(1));
          figures.put("mean-padded", m.group(2));
          figures.put("most-sequences", m.group(3));
          figures.put("most-padded", m.group(4));
        });
    find(
        out,
        "batch latency +([\\d.]+) ms on average, ([\\d.]+) ms at most",
        m -> {
          figures.put("latency-mean", m.group(1));
          figures.put("latency-max", m.group(2));
        });
    Matcher load = Pattern.compile("model load +([\\d.]+) s").matcher(out);
    if (load.find()) {
      figures.put("model-load", load.group(1));
    }
    figures.replaceAll((k, v) -> v.replace(",", ""));
    return figures;
  }

  private static void find(String text, String regex, java.util.function.Consumer<Matcher> use) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no '" + regex + "' in the summary:\n" + text);
    use.accept(m);
  }

  private static String figure(Document dom, String id) {
    Element element = dom.selectFirst("[data-figure=" + id + "]");
    assertNotNull(element, "no figure " + id);
    return element.attr("data-value");
  }

  private static double number(Document dom, String id) {
    return Double.parseDouble(figure(dom, id));
  }

  private static void assertNear(
      Map<String, String> summary, String key, Document dom, String id, double tolerance) {
    assertEquals(Double.parseDouble(summary.get(key)), number(dom, id), tolerance, id);
  }

  /** The numbers before {@code unit} in a chart's bar tooltips, added up. */
  private static long sum(Document dom, String chart, String unit) {
    Pattern count = Pattern.compile("([\\d,]+) " + Pattern.quote(unit));
    long total = 0;
    List<Element> titles = dom.select(chart + " rect > title");
    assertFalse(titles.isEmpty(), "no bars in " + chart);
    for (Element title : titles) {
      Matcher m = count.matcher(title.text());
      assertTrue(m.find(), title.text());
      total += Long.parseLong(m.group(1).replace(",", ""));
    }
    return total;
  }

  /**
   * Headless Chromium, cut off from the network, with its profile and logs in a folder of the
   * test's.
   */
  private record Chromium(Path folder) {

    /** The page's DOM after its script ran, and what the browser logged (console messages too). */
    Rendered open(Path page) throws IOException, InterruptedException {
      Path log = folder.resolve("dump-dom.log");
      String html =
          run(log, "--enable-logging=stderr", "--v=0", "--dump-dom", page.toUri().toString());
      return new Rendered(Jsoup.parse(html), Files.readString(log));
    }

    /** Saves a screenshot of the page's top at this window size. */
    void screenshot(Path page, Path png, int width, int height)
        throws IOException, InterruptedException {
      Files.createDirectories(png.getParent());
      Files.deleteIfExists(png);
      run(
          folder.resolve("screenshot.log"),
          "--hide-scrollbars",
          String.format(Locale.ROOT, "--window-size=%d,%d", width, height),
          "--screenshot=" + png,
          page.toUri().toString());
      assertTrue(Files.isRegularFile(png), "no screenshot at " + png);
    }

    private String run(Path log, String... args) throws IOException, InterruptedException {
      List<String> command =
          new ArrayList<>(
              List.of(
                  CHROMIUM.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--no-first-run",
                  "--user-data-dir=" + folder.resolve("profile")));
      command.addAll(List.of(args));
      Path stdout = folder.resolve("stdout");
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(stdout.toFile())
              .redirectError(log.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("chromium took over 2 minutes: " + Files.readString(log));
      }
      assertEquals(0, process.exitValue(), Files.readString(log));
      return Files.readString(stdout, StandardCharsets.UTF_8);
    }
  }

  /**
   * A page as the browser rendered it.
   *
   * @param dom the DOM after the page's script ran
   * @param log what the browser logged
   */
  private record Rendered(Document dom, String log) {}
}
