package dev.serving4j.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything a report is drawn from: the measured rows and what the run was.
 *
 * @param heading the report's title, e.g. {@code Full sweep: 72 combinations}
 * @param rows one measurement per combination, in the order run
 * @param openLoop whether loads are arrival rates (else client counts)
 * @param slaP99Millis the p99 SLA searched under, 0 for none
 * @param best the chosen point (highest throughput meeting the SLA), or null
 * @param plan the plan the rows came from, or null if not known (a CSV read back without its run.json)
 * @param machine what the rows were measured on, in a sentence
 */
record SweepReport(String heading, List<Measurement> rows, boolean openLoop, double slaP99Millis, Measurement best,
    BenchPlan plan, String machine) {
  SweepReport {
    rows = List.copyOf(rows);
  }

  /** A report whose chosen point is the best under the SLA (none without an SLA). */
  static SweepReport of(String heading, List<Measurement> rows, boolean openLoop, double slaP99Millis,
      BenchPlan plan, String machine) {
    Measurement best = slaP99Millis > 0 ? SlaSearch.best(rows, slaP99Millis) : null;
    return new SweepReport(heading, rows, openLoop, slaP99Millis, best, plan, machine);
  }

  /**
   * The Pareto frontier among error-free points: those no other point beats on both throughput (higher) and p99
   * (lower), ordered by p99 ascending (and so throughput ascending).
   */
  List<Measurement> frontier() {
    List<Measurement> byP99 = new ArrayList<>(rows.stream().filter(m -> m.errorRate() == 0).toList());
    byP99.sort(Comparator.comparingDouble(Measurement::p99)
        .thenComparing(Comparator.comparingDouble(Measurement::throughput).reversed()));
    List<Measurement> frontier = new ArrayList<>();
    double bestThroughput = Double.NEGATIVE_INFINITY;
    for (Measurement m : byP99) {
      if (m.throughput() > bestThroughput) {
        frontier.add(m);
        bestThroughput = m.throughput();
      }
    }
    return frontier;
  }

  /** The label of a row in this report's terms. */
  String label(Measurement m) {
    return m.combination().label(openLoop);
  }
}
