package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void csvHasOneRowPerMeasurementAndEveryColumn() {
    String[] lines = ReportWriter.csv(List.of(SLOW, FAST)).split("\n");
    assertEquals(3, lines.length);
    assertEquals(String.join(",", ReportWriter.CSV_COLUMNS), lines[0]);
    assertEquals(ReportWriter.CSV_COLUMNS.size(), lines[1].split(",", -1).length);
    assertTrue(lines[1].startsWith("fp32,8,1,2,64,240,90,162,180,90,0,"), lines[1]);
  }

  @Test
  void markdownNamesTheBestUnderTheSla() {
    String md = ReportWriter.markdown(List.of(SLOW, FAST), false, 100, FAST, "Sweep");
    assertTrue(md.startsWith("# Sweep\n"));
    assertTrue(md.contains("Best under the p99 SLA of 100 ms: **quantized b8 w1 t2 c16**"), md);
    assertTrue(md.contains("| fp32 b8 w1 t2 c64 | 240.0 | 90.0 | 162.0 | 180.0 | 0.0% |"), md);
    assertEquals(2 + 2 + 2, md.lines().filter(l -> l.startsWith("|")).count() + 2);
  }

  @Test
  void svgIsWellFormedWithAnSlaLineAndAPointPerCombination() throws Exception {
    String svg = SvgChart.render(List.of(SLOW, FAST), false, 100, FAST);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals("svg", doc.getDocumentElement().getTagName());
    assertEquals(3, doc.getElementsByTagName("circle").getLength()); // two points and the ring of the best
    assertTrue(svg.contains("stroke-dasharray"), "SLA line");
    assertTrue(svg.contains("SLA p99 100 ms"));
  }

  @Test
  void writeCreatesTheThreeFiles(@TempDir Path dir) {
    List<Path> files = ReportWriter.write(dir.resolve("out"), List.of(SLOW), false, 0, null, "Sweep");
    assertEquals(List.of("report.csv", "report.md", "report.svg"),
        files.stream().map(f -> f.getFileName().toString()).toList());
    files.forEach(f -> assertTrue(Files.isRegularFile(f)));
  }

  @Test
  void niceMaxRoundsUpToOneTwoOrFive() {
    assertEquals(200, SvgChart.niceMax(123));
    assertEquals(500, SvgChart.niceMax(201));
    assertEquals(1000, SvgChart.niceMax(999));
    assertEquals(1, SvgChart.niceMax(0));
  }

  @Test
  void textIsEscaped() {
    assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", SvgChart.escape("a <b> & \"c\""));
  }
}
