package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serving4j.ModelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecommendationTest {
  private static final BenchPlan PLAN = BenchPlan.parse("{\"optimizations\": [\"fp32\", \"quantized\"], "
      + "\"batchSizes\": [8, 32], \"workers\": [1, 2], \"intraOpThreads\": [1], \"maxBatchCost\": 512}");
  private static final Measurement CHOSEN = SlaSearchTest.measurement(new Combination("quantized", 32, 2, 1, 16),
      500, 80);
  private static final Measurement OTHER = SlaSearchTest.measurement(new Combination("fp32", 8, 1, 1, 16), 200, 90);

  private static Recommendation of(Measurement... rows) {
    return new Recommendation(SweepReport.of("Sweep", List.of(rows), false, 100, PLAN, "test"));
  }

  @Test
  void theSentenceSaysWhatToServeAndWhatItDid() {
    assertEquals("Under the p99 SLA of 100 ms, serve the quantized model with 2 workers, batches of up to 32 and "
        + "1 intra-op thread: 500.0 req/s at p99 80.0 ms (measured at 16 concurrent clients).",
        of(CHOSEN, OTHER).sentence());
  }

  @Test
  void theManifestBlockIsAConfigServingAccepts() throws Exception {
    String block = of(CHOSEN, OTHER).manifestConfig();
    Map<?, ?> parsed = new ObjectMapper().readValue("{" + block + "}", Map.class);
    @SuppressWarnings("unchecked")
    Map<String, ?> config = (Map<String, ?>) parsed.get("config");
    ModelConfig built = ModelConfig.builder().apply(config).build();
    assertEquals(2, built.minWorkers());
    assertEquals(2, built.maxWorkers());
    assertEquals(32, built.maxBatchSize());
    assertEquals(512, built.maxBatchCost());
    assertEquals(Map.of("intraOpThreads", "1"), built.engineOptions());
  }

  @Test
  void theJavaCallUsesTheBuilderSetters() {
    assertEquals("""
        server.register(archive, cfg -> cfg
            .minWorkers(2).maxWorkers(2)
            .maxBatchSize(32)
            .maxBatchCost(512)
            .engineOption("intraOpThreads", "1"));""", of(CHOSEN, OTHER).javaCall());
  }

  @Test
  void withoutAZeroConfigRowTheReportSaysItCannotCompare() {
    assertTrue(of(CHOSEN, OTHER).zeroConfig().startsWith("This plan has no zero-config row"));
  }

  @Test
  void zeroConfigWithinFivePercentNeedsNoConfig() {
    Measurement zero = SlaSearchTest.measurement(new Combination("quantized", 0, 0, 0, 16), 480, 70);
    String verdict = of(CHOSEN, zero).zeroConfig();
    assertTrue(verdict.endsWith("96% of the chosen point's throughput, within 5%: no config is needed."), verdict);
  }

  @Test
  void zeroConfigFarBehindSaysTheConfigIsWorthSetting() {
    Measurement zero = SlaSearchTest.measurement(new Combination("quantized", 0, 0, 0, 16), 300, 70);
    assertTrue(of(CHOSEN, zero).zeroConfig().endsWith("60% of the chosen point's throughput: the config above is "
        + "worth setting."));
  }
}
