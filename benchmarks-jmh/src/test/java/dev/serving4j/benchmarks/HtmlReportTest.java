package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HtmlReportTest {
  private static final BenchPlan PLAN = BenchPlan.parse("{\"batchSizes\": [8, 32], \"workers\": [1, 2]}");
  private static final SweepReport CROWDED = SweepReport.of("Crowded sweep", LabelLayoutTest.crowdedFrontier(),
      false, 250, PLAN, "a test machine");

  @Test
  void thePageLoadsNothingFromTheNetwork() {
    String html = HtmlReport.render(CROWDED);
    assertFalse(Pattern.compile("(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find(),
        "no external resources");
    assertFalse(html.contains("@import") || html.contains("url("), "no CSS fetches");
  }

  @Test
  void thePageHasTheRecommendationTheConfigTheChartsTheTableAndTheRun() {
    String html = HtmlReport.render(CROWDED);
    assertTrue(html.contains("<p class=\"lead\">Under the p99 SLA of 250 ms, serve the quantized model"), "sentence");
    assertTrue(html.contains("&quot;config&quot;: {"), "manifest block");
    assertTrue(html.contains("server.register(archive, cfg -&gt; cfg"), "java call");
    assertEquals(2, html.split("<svg ", -1).length - 1, "scatter and percentile charts");
    assertEquals(60, html.split("<tr class=\"chosen\">|<tr class=\"miss\">|<tr>", -1).length - 2, "rows");
    assertTrue(html.contains("a test machine"));
    assertTrue(html.contains("&quot;batchSizes&quot;"), "the plan");
  }

  @Test
  void thePercentileChartShowsTheChosenPointAndItsNeighboursOneStepAwayOnOneAxis() {
    Measurement chosen = SlaSearchTest.measurement(new Combination("fp32", 8, 1, 1, 16), 300, 50);
    Measurement workers = SlaSearchTest.measurement(new Combination("fp32", 8, 2, 1, 16), 250, 60);
    Measurement load = SlaSearchTest.measurement(new Combination("fp32", 8, 1, 1, 64), 310, 300);
    Measurement twoSteps = SlaSearchTest.measurement(new Combination("fp32", 8, 2, 1, 64), 200, 400);
    Measurement farLoad = SlaSearchTest.measurement(new Combination("fp32", 8, 1, 1, 256), 200, 900);
    assertEquals(List.of(workers, load),
        PercentileChart.neighbours(List.of(chosen, workers, load, twoSteps, farLoad), chosen));
  }

  @Test
  void theReportCommandRedrawsAReportFromItsCsv(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("report.csv"), ReportWriter.csv(CROWDED.rows()));
    int exit = new CommandLine(new BenchTool()).execute("report", "--from", csv.toString(), "--sla-p99", "250ms");
    assertEquals(0, exit);
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("Under the p99 SLA of 250 ms"), "SLA from the option");
    assertTrue(html.contains("not recorded with this CSV"), "no run.json, no machine");
    assertTrue(Files.readString(dir.resolve("run.json")).contains("\"slaP99Ms\" : 250.0"));
  }
}
