package dev.serving4j.benchmarks;

import dev.serving4j.ModelDescription.BatchCost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The SLA search that uses serving4j's learned cost model: measure a little to learn, predict everything, measure
 * only to confirm.
 *
 * <ol>
 *   <li><b>Light calibration.</b> Per engine (optimization × intra-op threads, what sets the cost of one request):
 *       one point at the lightest load with the fewest workers and the largest batch size, where requests run
 *       alone and uncontended. Engines whose measured throughput there is below {@value #KEEP} of the best one's
 *       are dropped: on CPU, batching changes a request's cost by less than that, so they cannot win.
 *   <li><b>Calibration under load.</b> For each kept engine and each worker count (workers share the cores, so
 *       they change each other's batch times): one point at the largest batch size and the middle load of the
 *       load axis. The queue is then deep enough for the batcher to explore its size classes, and the load is
 *       where an SLA's boundary usually lies (the lightest load nearly always meets it, the heaviest rarely). After
 *       each calibration point, the server's learned cost model ({@code describe()}'s {@code costModel()}) is read
 *       into a {@link CostCurve}.
 *   <li><b>Predict</b> every point of the kept engines with {@link SlaPredictor}, each on the curve of the
 *       calibration nearest to it (same engine, nearest load on a log scale, then same workers), scaled by that
 *       calibration's measured / predicted throughput (what the handler time leaves out: dispatch, tokenizing on
 *       the callers' threads, neighbours on the machine).
 *   <li><b>Confirm.</b> Measure the {@value #CONFIRM} points predicted best under the SLA (highest predicted
 *       throughput with predicted p99 within it; points predicted alike to one already measured last); if none
 *       measured so far meets the SLA, go on down the ranking, at most {@value #MAX_CONFIRM} in all. The answer is the best measured point meeting the SLA, calibration
 *       points included.
 * </ol>
 * Every point is measured at most once. Hill climbing measures its way across the grid; this costs one point per
 * engine, one per kept engine × workers and the confirmations, whatever the number of batch sizes and loads.
 */
final class ModelGuidedSearch {
  /** Points confirmed after predicting. */
  static final int CONFIRM = 4;
  /** Confirmations at most, when the first ones miss the SLA. */
  static final int MAX_CONFIRM = 8;
  /** Predictions this close (relative) on throughput and p99 count as the same. */
  static final double ALIKE = 0.01;
  /** Engines within this fraction of the best one's light-load throughput are calibrated under load. */
  static final double KEEP = 0.7;

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
   * @param layouts what each calibration learned, one line per layout (for the console and the record)
   */
  record Result(Measurement best, List<Measurement> measured, int calibrations,
      List<SlaPredictor.Prediction> predictions, List<String> layouts) {}

  /** What one calibration point taught: the curve its server had learned, and measured / predicted throughput. */
  private record Calibration(Combination point, CostCurve curve, double correction) {}

  /** Searches {@code grid} under {@code slaP99Millis}; {@code maxBatchCost} is the plan's (0: none). */
  static Result search(SlaSearch.Grid grid, double slaP99Millis, boolean openLoop, long maxBatchCost, Bench bench) {
    Map<Combination, Measurement> measured = new LinkedHashMap<>();
    Map<Combination, CostCurve> curves = new LinkedHashMap<>();
    for (Combination c : lightPoints(grid)) {
      measured.put(c, bench.apply(c));
      curves.put(c, new CostCurve(bench.costModel()));
    }
    List<Combination> kept = kept(List.copyOf(measured.values()));
    for (Combination c : loadedPoints(grid, kept)) {
      measured.put(c, bench.apply(c));
      curves.put(c, new CostCurve(bench.costModel()));
    }
    SlaPredictor predictor = new SlaPredictor(bench.requestCosts(), maxBatchCost, 42);
    List<Calibration> calibrations = new ArrayList<>();
    curves.forEach((c, curve) -> calibrations.add(new Calibration(c, curve,
        clamp(measured.get(c).throughput() / predictor.predict(c, curve, openLoop, 1).throughput()))));
    List<SlaPredictor.Prediction> ranked = grid.all().stream()
        .filter(c -> kept.stream().anyMatch(k -> sameEngine(k, c)))
        .map(c -> {
          Calibration k = nearest(calibrations, c);
          return predictor.predict(c, k.curve(), openLoop, k.correction());
        }).sorted(byPromise(slaP99Millis)).toList();
    List<String> layouts = calibrations.stream().map(k -> describe(k, openLoop)).toList();
    confirm(ranked, slaP99Millis, measured, bench);
    List<Measurement> all = new ArrayList<>(measured.values());
    return new Result(SlaSearch.best(all, slaP99Millis), all, calibrations.size(), ranked, layouts);
  }

  /** Per engine: the lightest load, the fewest workers, the largest batch size. */
  static List<Combination> lightPoints(SlaSearch.Grid grid) {
    int batch = grid.batchSizes().stream().max(Integer::compare).orElseThrow();
    int workers = grid.workers().stream().min(Integer::compare).orElseThrow();
    double light = grid.loads().get(0);
    List<Combination> points = new ArrayList<>();
    for (String o : grid.optimizations()) {
      for (int t : grid.intraOpThreads()) {
        points.add(new Combination(o, batch, workers, t, light));
      }
    }
    return points;
  }

  /** The light points of the engines worth calibrating under load: within {@value #KEEP} of the best. */
  static List<Combination> kept(List<Measurement> light) {
    double best = light.stream().filter(m -> m.errorRate() == 0).mapToDouble(Measurement::throughput).max()
        .orElse(0);
    List<Combination> kept = light.stream().filter(m -> m.errorRate() == 0 && m.throughput() >= KEEP * best)
        .map(Measurement::combination).toList();
    return kept.isEmpty() ? light.stream().map(Measurement::combination).toList() : kept;
  }

  /**
   * Per kept engine and worker count: the largest batch size at the middle load. The kept engine served last is
   * calibrated first, with its light point's workers, so that server is reused when the middle load is its load.
   */
  static List<Combination> loadedPoints(SlaSearch.Grid grid, List<Combination> kept) {
    double middle = grid.loads().get(grid.loads().size() / 2);
    List<Combination> points = new ArrayList<>();
    List<Combination> lastFirst = new ArrayList<>(kept);
    java.util.Collections.reverse(lastFirst);
    for (Combination k : lastFirst) {
      List<Integer> workers = new ArrayList<>(grid.workers());
      workers.remove(Integer.valueOf(k.workers()));
      workers.add(0, k.workers());
      for (int w : workers) {
        Combination c = new Combination(k.optimization(), k.batchSize(), w, k.intraOpThreads(), middle);
        if (!c.equals(k)) {
          points.add(c);
        }
      }
    }
    return points;
  }

  private static boolean sameEngine(Combination a, Combination b) {
    return a.optimization().equals(b.optimization()) && a.intraOpThreads() == b.intraOpThreads();
  }

  /**
   * The calibration that speaks for {@code c}: same engine, the nearest load (log scale), then the same workers. A
   * light load is priced by the light calibration even for more workers: with few requests in flight the extra
   * workers idle, and the light run's batches are the uncontended ones.
   */
  private static Calibration nearest(List<Calibration> calibrations, Combination c) {
    return calibrations.stream().filter(k -> sameEngine(k.point(), c))
        .min(Comparator.comparingDouble((Calibration k) -> Math.abs(Math.log(k.point().load() / c.load())))
            .thenComparingInt(k -> Math.abs(k.point().workers() - c.workers())))
        .orElseThrow();
  }

  /**
   * Measures the {@value #CONFIRM} most promising unmeasured points predicted to meet the SLA; then, if nothing
   * measured meets it, more ({@link #fallBack}). Points predicted alike (within {@value #ALIKE} on throughput and
   * p99) to one already measured or chosen of the same engine come last: the model cannot tell them apart (at one
   * caller, say, every batch size runs batches of one), so they are measured only when nothing it can tell apart
   * is left. Confirmations served alike (only the load differs) run back to back, sharing one server start.
   */
  private static void confirm(List<SlaPredictor.Prediction> ranked, double sla, Map<Combination, Measurement> measured,
      Bench bench) {
    List<SlaPredictor.Prediction> known = ranked.stream().filter(p -> measured.containsKey(p.combination()))
        .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    List<Combination> distinct = new ArrayList<>();
    List<Combination> alike = new ArrayList<>();
    for (SlaPredictor.Prediction p : ranked) {
      if (!p.meets(sla)) {
        break; // ranked: the rest are predicted to miss
      }
      if (!measured.containsKey(p.combination())) {
        boolean told = known.stream().noneMatch(k -> alike(k, p));
        (told ? distinct : alike).add(p.combination());
        known.add(p);
      }
    }
    distinct.addAll(alike);
    for (Combination c : servedTogether(distinct.subList(0, Math.min(CONFIRM, distinct.size())))) {
      measured.put(c, bench.apply(c));
    }
    if (measured.values().stream().noneMatch(m -> m.meets(sla))) {
      fallBack(ranked, sla, measured, bench);
    }
  }

  /**
   * Nothing measured meets the SLA: measures on down the ranking (predicted to meet first, then closest to it)
   * until one does, {@value #MAX_CONFIRM} - {@value #CONFIRM} more at most.
   */
  private static void fallBack(List<SlaPredictor.Prediction> ranked, double sla,
      Map<Combination, Measurement> measured, Bench bench) {
    int more = MAX_CONFIRM - CONFIRM;
    for (SlaPredictor.Prediction p : ranked) {
      if (more == 0 || measured.values().stream().anyMatch(m -> m.meets(sla))) {
        return;
      }
      if (!measured.containsKey(p.combination())) {
        measured.put(p.combination(), bench.apply(p.combination()));
        more--;
      }
    }
  }

  /** Whether two predictions of one engine are too close to tell apart. */
  static boolean alike(SlaPredictor.Prediction a, SlaPredictor.Prediction b) {
    return sameEngine(a.combination(), b.combination()) && close(a.throughput(), b.throughput())
        && close(a.p99Millis(), b.p99Millis());
  }

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= ALIKE * Math.max(Math.abs(a), Math.abs(b));
  }

  /** {@code points} reordered so those served alike are adjacent, groups in order of first appearance. */
  static List<Combination> servedTogether(List<Combination> points) {
    Map<List<Object>, List<Combination>> groups = new LinkedHashMap<>();
    for (Combination c : points) {
      groups.computeIfAbsent(List.of(layout(c), c.batchSize()), k -> new ArrayList<>()).add(c);
    }
    return groups.values().stream().flatMap(List::stream).toList();
  }

  private static String describe(Calibration k, boolean openLoop) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: measured/predicted %.2f;",
        k.point().label(openLoop), k.correction()));
    for (BatchCost c : k.curve().classes()) {
      line.append(String.format(Locale.ROOT, " [%d-%d] %.2f ms + %.4f ms/cost, sigma %.2f, n=%d", c.minBatchSize(),
          c.maxBatchSize(), c.fixedMillis(), c.millisPerCost(), c.sigmaMillis(), c.samples()));
    }
    return line.toString();
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
