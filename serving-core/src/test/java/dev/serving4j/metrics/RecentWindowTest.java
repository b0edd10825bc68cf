package dev.serving4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.serving4j.internal.metrics.RecentWindow;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Recent figures for describe(), on a controlled clock (plain nanosecond numbers). */
class RecentWindowTest {
  static final long MS = 1_000_000L;
  static final long T0 = 5_000 * MS;

  @Test
  void emptyWindowReportsZeros() {
    RecentWindow.Snapshot s = new RecentWindow(8, Duration.ofSeconds(1), T0).snapshot(T0 + 10 * MS);
    assertEquals(0, s.requests());
    assertEquals(0, s.perSecond());
    assertEquals(Duration.ZERO, s.p99());
  }

  @Test
  void percentilesUseNearestRankOverTheWindow() {
    RecentWindow w = new RecentWindow(128, Duration.ofSeconds(10), T0);
    for (int i = 1; i <= 100; i++) {
      w.record(T0 + i * MS, i * MS); // latencies 1..100 ms, shuffled order does not matter
    }
    RecentWindow.Snapshot s = w.snapshot(T0 + 2_000 * MS);
    assertEquals(100, s.requests());
    assertEquals(Duration.ofMillis(50), s.p50());
    assertEquals(Duration.ofMillis(99), s.p99());
    assertEquals(Duration.ofMillis(100), s.max());
    assertEquals(50.0, s.perSecond(), 1e-9, "100 requests over the 2 s since creation");
  }

  @Test
  void samplesOlderThanTheWindowAreLeftOut() {
    RecentWindow w = new RecentWindow(16, Duration.ofSeconds(1), T0);
    w.record(T0 + 10 * MS, 900 * MS);
    w.record(T0 + 3_000 * MS, 5 * MS);
    RecentWindow.Snapshot s = w.snapshot(T0 + 3_500 * MS);
    assertEquals(1, s.requests());
    assertEquals(Duration.ofMillis(5), s.p99());
    assertEquals(1.0, s.perSecond(), 1e-9, "one request over the 1 s window");
  }

  @Test
  void aFullRingMeasuresThroughputOverTheSpanItCovers() {
    RecentWindow w = new RecentWindow(8, Duration.ofSeconds(60), T0);
    for (int i = 1; i <= 20; i++) {
      w.record(T0 + i * 10 * MS, MS);
    }
    RecentWindow.Snapshot s = w.snapshot(T0 + 200 * MS); // kept: ends at 130..200 ms
    assertEquals(8, s.requests());
    assertEquals(8 / 0.070, s.perSecond(), 1e-6);
  }

  @Test
  void capacityMustBeAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new RecentWindow(100, Duration.ofSeconds(1), T0));
    assertThrows(IllegalArgumentException.class, () -> new RecentWindow(8, Duration.ZERO, T0));
  }
}
