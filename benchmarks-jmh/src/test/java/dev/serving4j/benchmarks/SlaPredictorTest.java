package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelDescription.BatchCost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The predictor on synthetic cost curves: exact arithmetic, no timing. */
class SlaPredictorTest {
  private static final long[] UNIT_COSTS = {1};

  /** A learned model with one class per batch size 1..64, each exactly {@code millis(n)}, σ = 0. */
  static CostCurve curve(IntToDoubleFunction millis) {
    List<BatchCost> classes = new ArrayList<>();
    for (int n = 1; n <= 64; n++) {
      classes.add(new BatchCost(n, n, millis.applyAsDouble(n), 0, 0, 10));
    }
    return new CostCurve(classes);
  }

  private static final CostCurve GPU_LIKE = curve(n -> 8 + 0.5 * n);
  private static final CostCurve CPU_LIKE = curve(n -> n * (2 + 0.2 * (n - 1)));

  private static SlaPredictor.Prediction closed(CostCurve curve, int batch, int workers, int callers) {
    return new SlaPredictor(UNIT_COSTS, 0, 1).predict(new Combination("fp32", batch, workers, 1, callers), curve,
        false, 1);
  }

  @Test
  void aGpuLikeCurveFillsBatchesAndEarnsTheirThroughput() {
    SlaPredictor.Prediction p = closed(GPU_LIKE, 16, 1, 64);
    assertEquals(16, p.meanBatch(), 1e-9);
    assertEquals(1000.0 * 16 / (8 + 0.5 * 16), p.throughput(), 1e-6);
  }

  @Test
  void aCpuLikeCurveRunsBatchesOfOne() {
    SlaPredictor.Prediction p = closed(CPU_LIKE, 32, 2, 64);
    assertEquals(1, p.meanBatch(), 1e-9);
    assertEquals(2 * 1000.0 / 2, p.throughput(), 1e-6);
  }

  @Test
  void oneCallerIsServedAloneWithNoQueueing() {
    SlaPredictor.Prediction p = closed(GPU_LIKE, 32, 2, 1);
    assertEquals(1, p.meanBatch(), 1e-9);
    assertEquals(1000 / 8.5, p.throughput(), 1e-6);
    assertEquals(8.5, p.p99Millis(), 1e-6);
  }

  @Test
  void moreCallersThanABatchWaitForTheBatchesAhead() {
    SlaPredictor.Prediction p = closed(GPU_LIKE, 8, 1, 64);
    double batchMillis = 8 + 0.5 * 8;
    // 64 callers in batches of 8: the mean latency is 8 batch times (Little), plus one for a just-missed batch.
    assertEquals(9 * batchMillis, p.p99Millis(), 1e-6);
  }

  @Test
  void maxBatchCostLimitsTheBatchToWhatFits() {
    long[] costs = new long[100];
    Arrays.fill(costs, 100);
    SlaPredictor predictor = new SlaPredictor(costs, 512, 1);
    SlaPredictor.Batches b = predictor.batches(GPU_LIKE, 32, 64);
    assertEquals(5, b.meanSize(), 1e-9);
  }

  @Test
  void paddingSensitiveCostsGroupSimilarLengths() {
    CostCurve padding = new CostCurve(List.of(new BatchCost(1, 64, 1, 0.05, 0, 10)));
    long[] lengths = {8, 64};
    SlaPredictor predictor = new SlaPredictor(lengths, 0, 7);
    SlaPredictor.Batches b = predictor.batches(padding, 4, 64);
    // A queue of 64 holds four of either length: every batch is four of one length, never padded to 64 tokens.
    double alike = (1 + 0.05 * 8 * 4 + 1 + 0.05 * 64 * 4) / 2;
    assertEquals(4, b.meanSize(), 1e-9);
    assertEquals(alike, b.meanMillis(), 0.05 * 56 * 4 / 2 * 0.5);
  }

  @Test
  void anOpenLoadAboveCapacityMissesAnySla() {
    SlaPredictor predictor = new SlaPredictor(UNIT_COSTS, 0, 1);
    SlaPredictor.Prediction p = predictor.predict(new Combination("fp32", 1, 1, 1, 600), CPU_LIKE, true, 1);
    assertFalse(p.meets(1e9));
    assertEquals(500, p.throughput(), 1e-6);
  }

  @Test
  void anOpenLoadBelowCapacityIsServedInFull() {
    SlaPredictor predictor = new SlaPredictor(UNIT_COSTS, 0, 1);
    SlaPredictor.Prediction p = predictor.predict(new Combination("fp32", 1, 1, 1, 250), CPU_LIKE, true, 1);
    assertEquals(250, p.throughput(), 1e-9);
    assertTrue(p.p99Millis() > 2 && p.p99Millis() < 20, "p99 " + p.p99Millis());
  }

  @Test
  void aCorrectionScalesThroughputAndLatency() {
    SlaPredictor predictor = new SlaPredictor(UNIT_COSTS, 0, 1);
    Combination c = new Combination("fp32", 8, 1, 1, 64);
    SlaPredictor.Prediction exact = predictor.predict(c, GPU_LIKE, false, 1);
    SlaPredictor.Prediction slower = predictor.predict(c, GPU_LIKE, false, 0.5);
    assertEquals(exact.throughput() / 2, slower.throughput(), 1e-6);
    assertEquals(exact.p99Millis() * 2, slower.p99Millis(), 1e-6);
  }

  @Test
  void aBatchSizeTheServerNeverRanIsPricedByTheNearestClass() {
    CostCurve partial = new CostCurve(List.of(new BatchCost(1, 1, 2, 0, 0, 5), new BatchCost(4, 7, 3, 0.5, 0, 5)));
    assertEquals(3 + 0.5 * 32, partial.millis(32, 32), 1e-9);
    assertEquals(2, partial.millis(1, 1), 1e-9);
  }
}
