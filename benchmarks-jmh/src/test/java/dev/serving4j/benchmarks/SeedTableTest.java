package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A sweep reads as the seed's table: its columns, its order, and the chosen row in bold. */
class SeedTableTest {
  private static final BenchPlan PLAN = BenchPlan.parse("{\"requests\": 120, \"devices\": [\"cpu\"]}");

  private static Measurement row(Combination c, double throughput, double p99) {
    return new Measurement(c, throughput, 1, 2, p99, 1, 0, 0, 0, 0, 1, 0, 0, 1, 50, 100, 200, 1, throughput);
  }

  @Test
  void highestThroughputMeetingTheSlaIsBoldAndRowsAreOrderedByLoad() {
    List<Measurement> rows = List.of(
        row(new Combination("fp32", 4, 2, 1, 16), 60, 250),
        row(new Combination("fp32", 1, 2, 1, 4), 50, 90),
        row(new Combination("fp32", 0, 0, 0, 1), 25, 45),
        row(new Combination("fp32", 1, 1, 1, 1), 28, 40));
    List<String> lines = SeedTable.markdown(rows, PLAN, 100).lines().toList();
    assertEquals("| device | concurrency | requests | workers x threads | batch size | optimization "
        + "| throughput (req/s) | p99 (ms) | p99 <= 100 ms |", lines.get(0));
    assertEquals("| cpu | 1 | 120 | 1 x 1 | 1 | fp32 | 28.0 | 40.0 | yes |", lines.get(2));
    assertEquals("| cpu | 1 | 120 | zero-config | - | fp32 | 25.0 | 45.0 | yes |", lines.get(3));
    assertEquals("| cpu | **4** | 120 | 2 x 1 | 1 | fp32 | **50.0** | **90.0** | yes |", lines.get(4));
    assertTrue(lines.get(5).endsWith("| 60.0 | 250.0 | no |"), lines.get(5));
  }
}
