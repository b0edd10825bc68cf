package dev.serving4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadResultTest {
  private static LoadResult oneToHundredMillis() {
    long[] latencies = new long[100];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = (i + 1) * 1_000_000L;
    }
    return new LoadResult("test", latencies, 2_000_000_000L, List.of());
  }

  @Test
  void percentilesComeFromTheRecordedLatencies() {
    LoadResult r = oneToHundredMillis();
    assertEquals(50.0, r.latencyMillis(50), 0.1);
    assertEquals(99.0, r.latencyMillis(99), 0.1);
  }

  @Test
  void throughputIsRequestsPerSecondOfWallTime() {
    assertEquals(50.0, oneToHundredMillis().throughput(), 1e-9);
  }
}
