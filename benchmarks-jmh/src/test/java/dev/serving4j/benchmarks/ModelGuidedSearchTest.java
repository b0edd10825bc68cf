package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.ModelDescription.BatchCost;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The search against a synthetic bench whose every point behaves as its layout's cost curve says (quantized and
 * one thread per worker are cheaper; two workers share two cores), so the exhaustive best is known exactly.
 */
class ModelGuidedSearchTest {
  private static final SlaSearch.Grid GRID = new SlaSearch.Grid(List.of("fp32", "quantized"), List.of(1, 8, 32),
      List.of(1, 2), List.of(1, 2), List.of(1.0, 16.0, 64.0));
  private static final SlaPredictor TRUTH = new SlaPredictor(new long[] {1}, 0, 42);

  /** A bench that runs nothing: each point measures what its layout's curve predicts. */
  private static final class SyntheticBench implements ModelGuidedSearch.Bench {
    final List<Combination> runs = new ArrayList<>();
    private Combination last;

    static CostCurve curveOf(Combination c) {
      double speed = (c.optimization().equals("quantized") ? 1.6 : 1) / c.intraOpThreads() * (c.workers() == 2
          ? 0.8 : 1);
      return SlaPredictorTest.curve(n -> (3 + 1.5 * n) / speed);
    }

    @Override
    public Measurement apply(Combination c) {
      runs.add(c);
      last = c;
      SlaPredictor.Prediction p = TRUTH.predict(c, curveOf(c), false, 1);
      return SlaSearchTest.measurement(c, p.throughput(), p.p99Millis());
    }

    @Override
    public List<BatchCost> costModel() {
      return curveOf(last).classes();
    }

    @Override
    public long[] requestCosts() {
      return new long[] {1};
    }
  }

  private static Measurement exhaustiveBest(double sla) {
    return SlaSearch.best(GRID.all().stream().map(new SyntheticBench()).toList(), sla);
  }

  @Test
  void findsTheExhaustiveBestWithoutMeasuringEveryPoint() {
    SyntheticBench bench = new SyntheticBench();
    ModelGuidedSearch.Result result = ModelGuidedSearch.search(GRID, 60, false, 0, bench);
    assertEquals(exhaustiveBest(60).combination(), result.best().combination());
  }

  @Test
  void measuresEachEngineLightlyTheKeptOneUnderLoadAndAFewConfirmations() {
    SyntheticBench bench = new SyntheticBench();
    ModelGuidedSearch.Result result = ModelGuidedSearch.search(GRID, 60, false, 0, bench);
    // 4 engines light; only quantized t1 is within 70% of the best, so it alone is calibrated under load (2 workers).
    assertEquals(4 + 2, result.calibrations());
    assertTrue(bench.runs.size() <= 6 + ModelGuidedSearch.CONFIRM, bench.runs.size() + " runs: " + bench.runs);
    assertEquals(bench.runs.size(), bench.runs.stream().distinct().count());
  }

  @Test
  void lightCalibrationRunsEachEngineAloneAtTheLightestLoad() {
    List<Combination> points = ModelGuidedSearch.lightPoints(GRID);
    assertEquals(4, points.size());
    assertTrue(points.stream().allMatch(c -> c.load() == 1 && c.workers() == 1 && c.batchSize() == 32),
        points.toString());
  }

  @Test
  void loadedCalibrationStartsOnTheServerJustUsedAtTheMiddleLoad() {
    Combination light = new Combination("quantized", 32, 1, 1, 1);
    List<Combination> points = ModelGuidedSearch.loadedPoints(GRID, List.of(light));
    assertEquals(List.of(new Combination("quantized", 32, 1, 1, 16), new Combination("quantized", 32, 2, 1, 16)),
        points);
    assertTrue(points.get(0).sameServing(light));
  }

  @Test
  void enginesFarBehindTheBestAtLightLoadAreNotCalibratedUnderLoad() {
    Combination fast = new Combination("quantized", 32, 1, 1, 1);
    Combination close = new Combination("quantized", 32, 1, 2, 1);
    Combination slow = new Combination("fp32", 32, 1, 2, 1);
    List<Combination> kept = ModelGuidedSearch.kept(List.of(SlaSearchTest.measurement(fast, 100, 5),
        SlaSearchTest.measurement(close, 75, 5), SlaSearchTest.measurement(slow, 60, 5)));
    assertEquals(List.of(fast, close), kept);
  }

  @Test
  void pointsTheModelCanTellApartAreConfirmedBeforeOnesAlikeToAMeasuredPoint() {
    SyntheticBench bench = new SyntheticBench();
    ModelGuidedSearch.search(GRID, 60, false, 0, bench);
    // At one caller every batch size and worker count runs batches of one: the light point speaks for them all,
    // and loaded points the model can tell apart fill the confirmations first.
    assertEquals(1, bench.runs.stream().filter(c -> c.load() == 1 && c.optimization().equals("quantized")
        && c.intraOpThreads() == 1).count(), bench.runs.toString());
  }

  @Test
  void whenOnlyAlikePointsAreLeftTheyAreConfirmed() {
    SyntheticBench bench = new SyntheticBench();
    ModelGuidedSearch.Result result = ModelGuidedSearch.search(GRID, 10, false, 0, bench);
    // Only one caller meets 10 ms: the confirmations are light points alike to the measured one.
    assertEquals(exhaustiveBest(10).throughput(), result.best().throughput(), 1e-9);
    assertEquals(1 + ModelGuidedSearch.CONFIRM, bench.runs.stream().filter(c -> c.load() == 1
        && c.optimization().equals("quantized") && c.intraOpThreads() == 1).count(), bench.runs.toString());
  }

  @Test
  void anUnreachableSlaGivesNoBest() {
    ModelGuidedSearch.Result result = ModelGuidedSearch.search(GRID, 0.5, false, 0, new SyntheticBench());
    assertNull(result.best());
  }
}
