package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.BatchingMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {
  @Test
  void fullPlanParsesEveryField() {
    BenchPlan plan = BenchPlan.parse("""
        {"model": "minilm", "optimizations": ["fp32", "quantized"], "batchSizes": [1, 8, 32],
         "workers": [1, 2], "intraOpThreads": [1, 2], "batchDelay": "250us", "batchingMode": "fixed-delay",
         "maxBatchCost": 512, "concurrency": [1, 64], "requests": 500, "warmup": 50, "input": "corpus:short",
         "devices": ["cpu"], "mode": "closed"}
        """);
    assertEquals(List.of(1, 8, 32), plan.batchSizes());
    assertEquals(Duration.ofNanos(250_000), plan.batchDelayDuration());
    assertEquals(BatchingMode.FIXED_DELAY, plan.batchingModeValue());
    assertEquals(List.of(1.0, 64.0), plan.loadLevels());
    assertEquals(2 * 3 * 2 * 2 * 2, plan.combinations());
  }

  @Test
  void emptyPlanTakesTheDefaults() {
    BenchPlan plan = BenchPlan.parse("{}");
    assertEquals("minilm", plan.model());
    assertEquals(List.of(16.0), plan.loadLevels());
    assertEquals(BatchingMode.ADAPTIVE, plan.batchingModeValue());
    assertEquals(Duration.ofMillis(5), plan.batchDelayDuration());
  }

  @Test
  void zeroConfigAddsOneUnconfiguredPointPerOptimizationAndLoad() {
    BenchPlan plan = BenchPlan.parse("{\"optimizations\": [\"fp32\", \"quantized\"], \"batchSizes\": [1, 8], "
        + "\"concurrency\": [64, 1], \"zeroConfig\": true}");
    assertEquals(List.of(new Combination("fp32", 0, 0, 0, 1), new Combination("fp32", 0, 0, 0, 64),
        new Combination("quantized", 0, 0, 0, 1), new Combination("quantized", 0, 0, 0, 64)),
        plan.zeroConfigCombinations());
    assertEquals((2 + 1) * 2 * 2, plan.combinations());
    assertEquals("fp32 zero-config c64", plan.zeroConfigCombinations().get(1).label(false));
  }

  @Test
  void openLoopSweepsRates() {
    BenchPlan plan = BenchPlan.parse("{\"mode\": \"open\", \"rates\": [50, 100.5]}");
    assertTrue(plan.openLoop());
    assertEquals(List.of(50.0, 100.5), plan.loadLevels());
  }

  @Test
  void unknownFieldIsNamedWithTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchPlan.parse("{\"batchSize\": [8]}"));
    assertTrue(e.getMessage().contains("'batchSize'"), e.getMessage());
    assertTrue(e.getMessage().contains("batchSizes"), e.getMessage());
  }

  @Test
  void outOfRangeValueNamesTheField() {
    assertMessage("{\"workers\": [0]}", "workers values must be in 1..1024");
    assertMessage("{\"batchSizes\": []}", "batchSizes must list at least one value");
    assertMessage("{\"requests\": 0}", "requests must be >= 1");
  }

  @Test
  void badEnumsAndDurationsAreRejected() {
    assertMessage("{\"mode\": \"burst\"}", "mode must be one of [closed, open]");
    assertMessage("{\"batchDelay\": \"soon\"}", "batchDelay must be a duration");
    assertMessage("{\"optimizations\": [\"fp16\"]}", "optimizations[] must be one of [fp32, quantized]");
    assertMessage("{\"devices\": [\"tpu\"]}", "devices must be 'cpu' or 'gpu:N'");
  }

  @Test
  void loadAxisMustMatchTheMode() {
    assertMessage("{\"mode\": \"open\"}", "rates must list at least one value");
    assertMessage("{\"rates\": [10]}", "rates is for mode 'open'");
  }

  @Test
  void quantizationNeedsTheBuiltInModel() {
    assertMessage("{\"model\": \"my.s4j\", \"optimizations\": [\"quantized\"]}", "need the built-in model");
  }

  @Test
  void notAnObjectIsRejected() {
    assertMessage("[1, 2]", "plan must be a JSON object");
  }

  private static void assertMessage(String json, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchPlan.parse(json));
    assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
  }
}
