package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SlaSearchTest {
  /**
   * A synthetic CPU-like surface: throughput grows with load up to a capacity set by batch, workers and threads;
   * p99 is the queueing time of {@code load} requests at that capacity plus a batch's own time.
   */
  private static final Function<Combination, Measurement> SURFACE = c -> {
    double perBatchMs = 4 + 0.5 * c.batchSize() / Math.min(c.intraOpThreads(), 2);
    double capacity = 1000.0 * c.batchSize() / perBatchMs * Math.min(c.workers() * c.intraOpThreads(), 2) / 2
        * (c.optimization().equals("quantized") ? 1.5 : 1);
    double throughput = Math.min(c.load() * 1000 / perBatchMs, capacity);
    double p99 = perBatchMs + 1000 * c.load() / capacity;
    return measurement(c, throughput, p99);
  };

  private static final SlaSearch.Grid GRID = new SlaSearch.Grid(List.of("fp32", "quantized"),
      List.of(1, 2, 4, 8, 16, 32), List.of(1, 2, 4), List.of(1, 2), List.of(1.0, 4.0, 16.0, 64.0, 256.0));

  @Test
  void searchFindsTheFullSweepsBestWithFewerRuns() {
    List<Combination> runs = new ArrayList<>();
    SlaSearch.Result result = SlaSearch.hillClimb(GRID, 100, c -> {
      runs.add(c);
      return SURFACE.apply(c);
    });
    List<Measurement> all = GRID.all().stream().map(SURFACE).toList();
    Measurement best = SlaSearch.best(all, 100);
    assertEquals(best.throughput(), result.best().throughput(), 1e-9, "found " + result.best().combination());
    assertTrue(runs.size() < all.size() / 2, runs.size() + " runs of " + all.size());
  }

  @Test
  void eachPointIsMeasuredOnce() {
    List<Combination> runs = new ArrayList<>();
    SlaSearch.hillClimb(GRID, 100, c -> {
      runs.add(c);
      return SURFACE.apply(c);
    });
    assertEquals(runs.size(), runs.stream().distinct().count());
  }

  @Test
  void anUnreachableSlaGivesNoBest() {
    SlaSearch.Result result = SlaSearch.hillClimb(GRID, 0.5, SURFACE);
    assertNull(result.best());
  }

  @Test
  void meetingTheSlaBeatsMoreThroughput() {
    Combination c = new Combination("fp32", 1, 1, 1, 1);
    Measurement fastButLate = measurement(c, 1000, 150);
    Measurement slowOnTime = measurement(c, 10, 50);
    assertTrue(Measurement.compareForSla(slowOnTime, fastButLate, 100) > 0);
    assertTrue(Measurement.compareForSla(measurement(c, 10, 120), fastButLate, 100) > 0);
  }

  @Test
  void fullGridPutsTheLoadInnermost() {
    List<Combination> all = GRID.all();
    assertEquals(2 * 6 * 3 * 2 * 5, all.size());
    assertTrue(all.get(0).sameServing(all.get(4)));
    assertEquals(false, all.get(0).sameServing(all.get(5)));
  }

  static Measurement measurement(Combination c, double throughput, double p99) {
    return new Measurement(c, throughput, p99 / 2, p99 * 0.9, p99, p99 / 2, 0, 1, 2, 3, 4, 0.5, 0.5, 2, 50, 100,
        400, 1, throughput);
  }
}
