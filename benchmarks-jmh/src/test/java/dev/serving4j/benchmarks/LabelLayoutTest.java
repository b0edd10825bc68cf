package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.benchmarks.LabelLayout.Box;
import dev.serving4j.benchmarks.LabelLayout.Placed;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelLayoutTest {
  /**
   * A crowded sweep: 60 combinations whose throughput and p99 both rise in small steps, so every one of them is
   * on the Pareto frontier and their markers nearly touch.
   */
  static List<Measurement> crowdedFrontier() {
    List<Measurement> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Combination c = new Combination(i % 2 == 0 ? "fp32" : "quantized", 1 << (i % 6), 1 + i % 3, 1 + i % 2,
          1 + i);
      rows.add(SlaSearchTest.measurement(c, 300 + i * 1.5, 40 + i * 2.5));
    }
    return rows;
  }

  @Test
  void labelsOfACrowdedFrontierNeverOverlapEachOtherOrAMarker() {
    SweepReport report = SweepReport.of("crowded", crowdedFrontier(), false, 250, null, "test");
    assertEquals(60, report.frontier().size());
    LabelLayout.Result labels = SvgChart.draw(report).labels();
    List<Placed> placed = labels.placed();
    assertTrue(placed.size() >= 10, "placed " + placed.size());
    for (int i = 0; i < placed.size(); i++) {
      for (int j = i + 1; j < placed.size(); j++) {
        assertFalse(placed.get(i).box().overlaps(placed.get(j).box()),
            placed.get(i).request().text() + " overlaps " + placed.get(j).request().text());
      }
    }
    assertEquals(60, placed.size() + labels.unplaced().size());
  }

  @Test
  void theChosenPointIsLabelledFirstEvenWhenCrowded() {
    SweepReport report = SweepReport.of("crowded", crowdedFrontier(), false, 250, null, "test");
    assertTrue(SvgChart.draw(report).labels().placed().get(0).request().text().startsWith("chosen: "));
  }

  @Test
  void aLabelThatFitsNowhereIsLeftOutRatherThanDrawnOverAnother() {
    Box bounds = new Box(0, 0, 100, 20);
    List<LabelLayout.Request> requests = List.of(new LabelLayout.Request("first label", 10, 10, 11, 2),
        new LabelLayout.Request("second label", 12, 10, 11, 2));
    LabelLayout.Result result = LabelLayout.place(requests, bounds, List.of());
    assertEquals(1, result.placed().size());
    assertEquals("second label", result.unplaced().get(0).text());
  }

  @Test
  void theOverlapCheckRejectsTwoLabelsInOnePlace() {
    LabelLayout.Request r = new LabelLayout.Request("same", 0, 0, 11, 0);
    Placed a = new Placed(r, new Box(0, 0, 30, 12), false);
    Placed b = new Placed(r, new Box(10, 5, 30, 12), false);
    assertThrows(IllegalStateException.class, () -> LabelLayout.requireNoOverlap(List.of(a, b), List.of()));
  }

  @Test
  void boxesThatOnlyTouchDoNotOverlap() {
    assertFalse(new Box(0, 0, 10, 10).overlaps(new Box(10, 0, 10, 10)));
    assertTrue(new Box(0, 0, 10, 10).overlaps(new Box(9, 9, 10, 10)));
  }
}
