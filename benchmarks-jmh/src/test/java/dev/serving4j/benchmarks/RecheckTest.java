package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecheckTest {
  private static final Combination SEARCHED = new Combination("quantized", 8, 1, 1, 16);
  private static final Combination BEST = new Combination("quantized", 32, 2, 1, 16);

  @Test
  void measuresBothAnswersAlternatelyAndReportsTheirRatio() {
    List<Combination> runs = new ArrayList<>();
    String line = BenchTool.recheck(SEARCHED, BEST, c -> {
      runs.add(c);
      return SlaSearchTest.measurement(c, c.equals(SEARCHED) ? 100 : 200, c.equals(SEARCHED) ? 50 : 300);
    }, 250, false);
    assertEquals(List.of(SEARCHED, BEST, BEST, SEARCHED, SEARCHED, BEST), runs);
    assertTrue(line.contains("100.0 req/s (met the SLA 3/3)"), line);
    assertTrue(line.contains("200.0 req/s (0/3)"), line);
    assertTrue(line.endsWith("search/full = 0.50"), line);
  }
}
