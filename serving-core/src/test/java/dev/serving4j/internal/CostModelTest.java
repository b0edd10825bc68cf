package dev.serving4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The online cost model, fed batch times as plain numbers: no clock, no threads. */
class CostModelTest {
  static final double MS = 1e6;
  final CostModel model = new CostModel();

  /** Feeds batches of {@code n} costing {@code cost} each, timed by {@code fixed + perCost × padded} ms. */
  private void feed(int n, long cost, double fixedMs, double perCostMs, int times) {
    for (int i = 0; i < times; i++) {
      model.record(n, cost * n, (long) ((fixedMs + perCostMs * cost * n) * MS));
    }
  }

  @Test
  void sizesFallIntoPowerOfTwoClasses() {
    assertEquals(0, CostModel.sizeClass(1));
    assertEquals(1, CostModel.sizeClass(3));
    assertEquals(2, CostModel.sizeClass(4));
    assertEquals(3, CostModel.sizeClass(15));
    assertEquals(16, CostModel.sizeClass(65_536));
    assertEquals(8, CostModel.smallest(3));
    assertEquals(15, CostModel.largest(3));
  }

  @Test
  void aClassIsTrustedAfterThreeSamples() {
    feed(4, 1, 8, 0.5, 2);
    assertFalse(model.known(2));
    feed(5, 1, 8, 0.5, 1);
    assertTrue(model.known(2));
    assertFalse(model.known(0), "other classes learn nothing from it");
  }

  @Test
  void noiselessBatchesOfDifferentSizesGiveTheExactLine() {
    for (int round = 0; round < 3; round++) {
      for (int n = 4; n <= 7; n++) {
        feed(n, 1, 8, 0.5, 1);
      }
    }
    CostModel.Line line = model.line(2);
    assertEquals(8 * MS, line.a(), 0.01 * MS);
    assertEquals(0.5 * MS, line.b(), 0.001 * MS);
    assertEquals(0, line.sigma(), 0.01 * MS);
  }

  @Test
  void aClassThatSawOneCostBorrowsThePooledSlope() {
    feed(1, 1, 8, 0.5, 3);
    feed(2, 1, 8, 0.5, 3);
    feed(3, 1, 8, 0.5, 3);
    feed(8, 1, 8, 0.5, 3); // class 8-15 has only seen a padded cost of 8
    assertEquals(8 + 0.5 * 12, model.predict(12, 12) / MS, 0.2, "a + b·12 extrapolated within the class");
  }

  @Test
  void paddedCostSeparatesShortFromLongInputsWithinAClass() {
    feed(4, 10, 0.2, 0.05, 3);
    feed(4, 50, 0.2, 0.05, 3);
    assertEquals(0.2 + 0.05 * 40, model.predict(4, 40) / MS, 0.01);
    assertEquals(0.2 + 0.05 * 200, model.predict(4, 200) / MS, 0.01);
  }

  @Test
  void aGcPauseMovesTheFitByAFewPercentAtMost() {
    feed(1, 1, 10, 0, 10);
    model.record(1, 1, (long) (500 * MS));
    assertTrue(model.predict(1, 1) < 10.5 * MS, "after one 500 ms outlier: " + model.predict(1, 1) / MS + " ms");
  }

  @Test
  void aLastingSlowdownIsLearnedWithinAFewDozenBatches() {
    feed(1, 1, 10, 0, 10);
    feed(1, 1, 20, 0, 40);
    assertEquals(20, model.predict(1, 1) / MS, 1.0);
  }

  @Test
  void aClassFittedOnColdRunsStartsAfreshFromAFarFasterBatch() {
    feed(8, 1, 40, 0, 4); // a process's first seconds: the JIT compiler shares the cores
    model.record(8, 8, (long) (14 * MS));
    assertFalse(model.known(3), "untrusted again, so the batcher re-explores it at once");
    assertEquals(14, model.predict(8, 8) / MS, 0.01, "the cold runs are forgotten");
    feed(8, 1, 14, 0, 2);
    assertTrue(model.known(3));
    assertEquals(14, model.predict(8, 8) / MS, 0.01);
  }

  @Test
  void aModeratelyFasterBatchIsASampleNotARestart() {
    feed(1, 1, 10, 0, 10);
    model.record(1, 1, (long) (8 * MS)); // 20% faster: within the clip's 25%
    assertTrue(model.known(0));
    assertTrue(model.predict(1, 1) / MS < 10 && model.predict(1, 1) / MS > 9, model.predict(1, 1) / MS + " ms");
  }

  @Test
  void sigmaFollowsTheSpreadOfMeasuredTimes() {
    for (int i = 0; i < 40; i++) {
      model.record(1, 1, (long) ((i % 2 == 0 ? 9 : 11) * MS));
    }
    assertEquals(1.0, model.sigma(1) / MS, 0.3);
  }

  @Test
  void theFastestTimeOfARequestErrsLowWhileBatchesOfOneAreUnknown() {
    assertEquals(0, model.fastest(1), "nothing known yet");
    feed(4, 1, 8, 0.5, 3);
    assertEquals((8 + 0.5 * 4) / 4, model.fastest(1) / MS, 0.01, "a batch of four's share per request");
    feed(1, 1, 8, 0.5, 3);
    assertEquals(8.5, model.fastest(1) / MS, 0.01);
  }

  @Test
  void describeListsEveryClassWithSamplesInMilliseconds() {
    feed(1, 1, 8, 0.5, 3);
    for (int n = 4; n <= 7; n++) {
      feed(n, 1, 8, 0.5, 1);
    }
    List<ModelDescription.BatchCost> fits = model.describe();
    assertEquals(2, fits.size());
    ModelDescription.BatchCost four = fits.get(1);
    assertEquals(List.of(4, 7, 4L), List.of(four.minBatchSize(), four.maxBatchSize(), four.samples()));
    assertEquals(8 + 0.5 * 6, four.predictMillis(6), 0.01);
  }
}
