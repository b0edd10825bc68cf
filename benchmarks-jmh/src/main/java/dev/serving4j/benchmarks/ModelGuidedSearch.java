package dev.serving4j.benchmarks;

import dev.serving4j.ModelDescription.BatchCost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The SLA search that uses serving4j's learned cost model: measure a little to learn, predict everything, measure
 * only to confirm.
 *
 * <ol>
 *   <li><b>Calibrate.</b> For each served layout that changes what a batch costs — optimization × intra-op threads ×
 *       workers (workers share the cores, so they change each other's batch times) — run one point: the largest
 *       batch size at the heaviest load, so the queue is deep and the batcher explores every size class it can
 *       reach. Read the server's learned cost model ({@code describe()}'s {@code costModel()}) into a
 *       {@link CostCurve}.
 *   <li><b>Predict</b> every point of the grid with {@link SlaPredictor}, each on its layout's curve, scaled by that
 *       layout's measured / predicted throughput at its calibration point.
 *   <li><b>Confirm.</b> Measure the {@value #CONFIRM} points predicted best under the SLA (highest predicted
 *       throughput with predicted p99 within it); if none of them meets the SLA when measured, go on down the
 *       ranking, at most {@value #MAX_CONFIRM} in all. The answer is the best measured point meeting the SLA,
 *       calibration points included.
 * </ol>
 * Every point is measured at most once. Against hill climbing, which measures its way across the grid, this costs
 * one point per layout plus the confirmations, whatever the number of batch sizes and loads.
 */
final class ModelGuidedSearch {
  /** Points confirmed after predicting. */
  static final int CONFIRM = 4;
  /** Confirmations at most, when the first ones miss the SLA. */
  static final int MAX_CONFIRM = 8;

  private ModelGuidedSearch() {}

  /** What the search measures with: runs a point, then tells what the server that ran it has learned. */
  interface Bench extends Function<Combination, Measurement> {
    /** The learned cost model of the server that measured the last point. */
    List<BatchCost> costModel();

    /** Each request's cost ({@code Handler.cost}) for the plan's inputs, read after the first point. */
    long[] requestCosts();
  }

  /**
   * The search's answer.
   *
   * @param best the best measured point meeting the SLA, or null
   * @param measured every point measured, in order (calibrations first)
   * @param calibrations how many of them were calibrations
   * @param predictions every grid point's prediction, best first
   */
  record Result(Measurement best, List<Measurement> measured, int calibrations,
      List<SlaPredictor.Prediction> predictions) {}

  /** Searches {@code grid} under {@code slaP99Millis}; {@code maxBatchCost} is the plan's (0: none). */
  static Result search(SlaSearch.Grid grid, double slaP99Millis, boolean openLoop, long maxBatchCost, Bench bench) {
    Map<Combination, Measurement> measured = new LinkedHashMap<>();
    Map<List<Object>, CostCurve> curves = new LinkedHashMap<>();
    for (Combination c : calibrationPoints(grid)) {
      measured.put(c, bench.apply(c));
      curves.put(layout(c), new CostCurve(bench.costModel()));
    }
    SlaPredictor predictor = new SlaPredictor(bench.requestCosts(), maxBatchCost, 42);
    Map<List<Object>, Double> corrections = new LinkedHashMap<>();
    measured.forEach((c, m) -> {
      double predicted = predictor.predict(c, curves.get(layout(c)), openLoop, 1).throughput();
      corrections.put(layout(c), clamp(m.throughput() / predicted));
    });
    List<SlaPredictor.Prediction> ranked = grid.all().stream()
        .map(c -> predictor.predict(c, curves.get(layout(c)), openLoop, corrections.get(layout(c))))
        .sorted(byPromise(slaP99Millis)).toList();
    int calibrations = measured.size();
    confirm(ranked, slaP99Millis, measured, bench);
    List<Measurement> all = new ArrayList<>(measured.values());
    return new Result(SlaSearch.best(all, slaP99Millis), all, calibrations, ranked);
  }

  /** Measures the most promising unmeasured predictions until enough are confirmed. */
  private static void confirm(List<SlaPredictor.Prediction> ranked, double sla, Map<Combination, Measurement> measured,
      Bench bench) {
    int confirmed = 0;
    boolean met = false;
    for (SlaPredictor.Prediction p : ranked) {
      if (confirmed >= MAX_CONFIRM || (confirmed >= CONFIRM && met)) {
        break;
      }
      if (!measured.containsKey(p.combination())) {
        Measurement m = bench.apply(p.combination());
        measured.put(p.combination(), m);
        met |= m.meets(sla);
        confirmed++;
      }
    }
  }

  /** One point per layout: its largest batch size at the heaviest load. */
  static List<Combination> calibrationPoints(SlaSearch.Grid grid) {
    int batch = grid.batchSizes().stream().max(Integer::compare).orElseThrow();
    double load = grid.loads().stream().max(Double::compare).orElseThrow();
    List<Combination> points = new ArrayList<>();
    for (String o : grid.optimizations()) {
      for (int t : grid.intraOpThreads()) {
        for (int w : grid.workers()) {
          points.add(new Combination(o, batch, w, t, load));
        }
      }
    }
    return points;
  }

  /** Predictions meeting the SLA first, by throughput; then the rest by p99. */
  static Comparator<SlaPredictor.Prediction> byPromise(double sla) {
    return Comparator.comparing((SlaPredictor.Prediction p) -> !p.meets(sla))
        .thenComparing(p -> p.meets(sla) ? -p.throughput() : p.p99Millis());
  }

  private static List<Object> layout(Combination c) {
    return List.of(c.optimization(), c.intraOpThreads(), c.workers());
  }

  private static double clamp(double correction) {
    return Double.isFinite(correction) ? Math.max(0.2, Math.min(5, correction)) : 1;
  }
}
