package dev.serving4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds the combination with the highest throughput whose p99 meets an SLA without running the full sweep.
 *
 * <p>Two kinds of axis, searched differently. The load (clients or rate) is monotone: more load raises both
 * throughput and p99, so for one serving configuration the best point is the heaviest load still meeting the SLA,
 * found by stepping up the load axis and stopping at the first miss. The serving axes (optimization x batch size x
 * workers x intra-op threads) are searched by steepest-ascent hill climbing: start in the middle of each, measure
 * the configurations one step away along each axis, move to the best (by {@link Measurement#compareForSla}), stop
 * when none is better. Every point is measured at most once. Serving surfaces are close to unimodal along each of
 * these axes, which is what hill climbing needs; a full sweep ({@code --full}) shows how close it came.
 */
final class SlaSearch {
  private SlaSearch() {}

  /**
   * The search's answer.
   *
   * @param best the best point measured, or null if none met the SLA
   * @param measured every point measured, in order
   */
  record Result(Measurement best, List<Measurement> measured) {}

  /** Searches {@code grid} with {@code measure}, which runs one combination. */
  static Result hillClimb(Grid grid, double slaP99Millis, Function<Combination, Measurement> measure) {
    Map<List<Integer>, Measurement> seen = new LinkedHashMap<>();
    int[] current = grid.start();
    Measurement here = bestLoad(grid, current, slaP99Millis, seen, measure);
    while (true) {
      int[] bestStep = null;
      Measurement bestThere = here;
      for (int[] neighbour : grid.neighbours(current)) {
        Measurement there = bestLoad(grid, neighbour, slaP99Millis, seen, measure);
        if (Measurement.compareForSla(there, bestThere, slaP99Millis) > 0) {
          bestThere = there;
          bestStep = neighbour;
        }
      }
      if (bestStep == null) {
        break;
      }
      current = bestStep;
      here = bestThere;
    }
    List<Measurement> measured = new ArrayList<>(seen.values());
    return new Result(best(measured, slaP99Millis), measured);
  }

  /** The best point of one serving configuration: loads ascending until the first that misses the SLA. */
  private static Measurement bestLoad(Grid grid, int[] serving, double slaP99Millis,
      Map<List<Integer>, Measurement> seen, Function<Combination, Measurement> measure) {
    Measurement best = null;
    for (int load = 0; load < grid.loads().size(); load++) {
      int[] point = Arrays.copyOf(serving, serving.length + 1);
      point[serving.length] = load;
      Measurement m = seen.computeIfAbsent(Arrays.stream(point).boxed().toList(), k -> measure.apply(grid.at(point)));
      if (best == null || Measurement.compareForSla(m, best, slaP99Millis) > 0) {
        best = m;
      }
      if (!m.meets(slaP99Millis)) {
        break;
      }
    }
    return best;
  }

  /** The highest-throughput point meeting the SLA among {@code measured}, or null. */
  static Measurement best(List<Measurement> measured, double slaP99Millis) {
    Measurement best = null;
    for (Measurement m : measured) {
      if (m.meets(slaP99Millis) && (best == null || m.throughput() > best.throughput())) {
        best = m;
      }
    }
    return best;
  }

  /**
   * The sweep's axes; a point is one index per axis.
   *
   * @param optimizations the optimization axis
   * @param batchSizes the batch size axis
   * @param workers the workers axis
   * @param intraOpThreads the intra-op threads axis
   * @param loads the load axis (clients or rates), ascending
   */
  record Grid(List<String> optimizations, List<Integer> batchSizes, List<Integer> workers,
      List<Integer> intraOpThreads, List<Double> loads) {
    /** The plan's grid. */
    static Grid of(BenchPlan plan) {
      return new Grid(plan.optimizations(), plan.batchSizes(), plan.workers(), plan.intraOpThreads(),
          plan.loadLevels().stream().sorted().toList());
    }

    /** Sizes of the serving axes (the load axis is searched apart). */
    int[] sizes() {
      return new int[] {optimizations.size(), batchSizes.size(), workers.size(), intraOpThreads.size()};
    }

    /** The middle of every serving axis. */
    int[] start() {
      int[] s = sizes();
      return new int[] {(s[0] - 1) / 2, (s[1] - 1) / 2, (s[2] - 1) / 2, (s[3] - 1) / 2};
    }

    List<int[]> neighbours(int[] index) {
      int[] s = sizes();
      List<int[]> result = new ArrayList<>();
      for (int axis = 0; axis < s.length; axis++) {
        for (int delta : new int[] {-1, 1}) {
          int v = index[axis] + delta;
          if (v >= 0 && v < s[axis]) {
            int[] n = index.clone();
            n[axis] = v;
            result.add(n);
          }
        }
      }
      return result;
    }

    Combination at(int[] i) {
      return new Combination(optimizations.get(i[0]), batchSizes.get(i[1]), workers.get(i[2]),
          intraOpThreads.get(i[3]), loads.get(i[4]));
    }

    /** Every point, the load axis innermost (so a served configuration is loaded once per sweep). */
    List<Combination> all() {
      List<Combination> all = new ArrayList<>();
      for (String o : optimizations) {
        for (int b : batchSizes) {
          for (int w : workers) {
            for (int t : intraOpThreads) {
              for (double l : loads) {
                all.add(new Combination(o, b, w, t, l));
              }
            }
          }
        }
      }
      return all;
    }
  }
}
