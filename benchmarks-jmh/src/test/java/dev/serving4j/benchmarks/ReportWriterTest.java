package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ReportWriterTest {
  private static final Measurement SLOW = SlaSearchTest.measurement(new Combination("fp32", 8, 1, 2, 64), 240, 180);
  private static final Measurement FAST = SlaSearchTest.measurement(new Combination("quantized", 8, 1, 2, 16), 400,
      60);
  private static final SweepReport TWO = SweepReport.of("Sweep", List.of(SLOW, FAST), false, 100, null, "test");

  @Test
  void csvHasOneRowPerMeasurementAndEveryColumn() {
    String[] lines = ReportWriter.csv(List.of(SLOW, FAST)).split("\n");
    assertEquals(3, lines.length);
    assertEquals(String.join(",", ReportWriter.CSV_COLUMNS), lines[0]);
    assertEquals(ReportWriter.CSV_COLUMNS.size(), lines[1].split(",", -1).length);
    assertTrue(lines[1].startsWith("fp32,8,1,2,64,240,90,162,180,90,0,"), lines[1]);
  }

  @Test
  void csvReadBackGivesTheSameMeasurements() {
    assertEquals(List.of(SLOW, FAST), ReportWriter.parseCsv(ReportWriter.csv(List.of(SLOW, FAST)), "test.csv"));
  }

  @Test
  void csvWithAnotherHeaderIsRefusedNamingTheFile() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReportWriter.parseCsv("a,b\n1,2\n", "other.csv"));
    assertTrue(e.getMessage().startsWith("other.csv is not a bench report"), e.getMessage());
  }

  @Test
  void csvWithABadNumberIsRefusedNamingLineAndColumn() {
    String text = ReportWriter.csv(List.of(SLOW)).replace(",240,", ",fast,");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReportWriter.parseCsv(text, "r.csv"));
    assertTrue(e.getMessage().contains("r.csv line 2 column throughput_rps must be a number, was 'fast'"),
        e.getMessage());
  }

  @Test
  void markdownNamesTheBestUnderTheSla() {
    String md = ReportWriter.markdown(TWO);
    assertTrue(md.startsWith("# Sweep\n"));
    assertTrue(md.contains("Best under the p99 SLA of 100 ms: **quantized b8 w1 t2 c16**"), md);
    assertTrue(md.contains("| fp32 b8 w1 t2 c64 | 240.0 | 240.0 | 90.0 | 162.0 | 180.0 | 0.0% |"), md);
  }

  @Test
  void aReportWrittenBeforeTheGoodputColumnStillReadsWithGoodputUnknown() {
    String[] lines = ReportWriter.csv(List.of(SLOW)).split("\n");
    String old = lines[0].replace(",goodput_rps", "") + "\n" + lines[1].substring(0, lines[1].lastIndexOf(','));
    Measurement read = ReportWriter.parseCsv(old, "old.csv").get(0);
    assertEquals(SLOW.throughput(), read.throughput(), 1e-9);
    assertTrue(Double.isNaN(read.goodput()));
  }

  @Test
  void svgIsWellFormedWithAnSlaLineAndAMarkerPerCombination() throws Exception {
    String svg = SvgChart.render(TWO);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertEquals("svg", doc.getDocumentElement().getTagName());
    assertEquals(2, doc.getElementsByTagName("g").getLength());
    assertTrue(svg.contains("stroke-dasharray=\"7,4\""), "SLA line");
    assertTrue(svg.contains("SLA: p99 100 ms"));
  }

  @Test
  void writeCreatesTheReportFiles(@TempDir Path dir) {
    List<Path> files = ReportWriter.write(dir.resolve("out"), TWO);
    assertEquals(List.of("report.csv", "report.md", "report.svg", "report.html", "run.json"),
        files.stream().map(f -> f.getFileName().toString()).toList());
    files.forEach(f -> assertTrue(Files.isRegularFile(f)));
  }

  @Test
  void runJsonReadBackKeepsWhatTheCsvCannotSay(@TempDir Path dir) throws Exception {
    BenchPlan plan = BenchPlan.parse("{\"batchSizes\": [8], \"maxBatchCost\": 512}");
    SweepReport report = SweepReport.of("Sweep", List.of(FAST), false, 100, plan, "a test machine");
    Path json = Files.writeString(dir.resolve("run.json"), RunInfo.of(report).json());
    assertEquals(RunInfo.of(report), RunInfo.read(json));
  }

  @Test
  void textIsEscaped() {
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", Svg.escape("a <b> & \"c\""));
  }
}
