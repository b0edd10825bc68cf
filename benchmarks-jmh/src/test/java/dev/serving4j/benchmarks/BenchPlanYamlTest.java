package dev.serving4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** YAML plans read exactly as JSON ones, and TorchServe's benchmark-config names mean the same fields. */
class BenchPlanYamlTest {
  private static final String JSON = """
      {"model": "minilm", "optimizations": ["fp32", "quantized"], "batchSizes": [1, 8], "workers": [1, 2],
       "intraOpThreads": [1], "batchDelay": "2ms", "batchingMode": "fixed-delay", "maxBatchCost": 256,
       "concurrency": [1, 16, 64], "requests": 300, "warmup": 30, "input": "corpus:short", "devices": ["cpu"],
       "mode": "closed", "zeroConfig": true}
      """;

  private static final String YAML = """
      model: minilm
      optimizations: [fp32, quantized]
      batchSizes: [1, 8]
      workers:
        - 1
        - 2
      intraOpThreads: [1]
      batchDelay: 2ms
      batchingMode: fixed-delay
      maxBatchCost: 256
      concurrency: [1, 16, 64]
      requests: 300
      warmup: 30
      input: corpus:short
      devices: [cpu]
      mode: closed
      zeroConfig: true
      """;

  @Test
  void yamlPlanEqualsTheSameJsonPlan() {
    assertEquals(BenchPlan.parse(JSON), BenchPlan.parse(YAML));
  }

  @Test
  void torchServeFieldNamesFillTheSameFields() {
    BenchPlan plan = BenchPlan.parse("""
        url: "file:///tmp/archives/ocr-cls"
        workers: [2]
        batch_delay: 100
        batch_size: [1, 8]
        input: ocr:cls
        requests: 10000
        concurrency: 100
        processors: [cpu]
        """);
    assertEquals(Path.of("/tmp/archives/ocr-cls").toString(), plan.model());
    assertEquals(List.of(2), plan.workers());
    assertEquals(Duration.ofMillis(100), plan.batchDelayDuration());
    assertEquals(List.of(1, 8), plan.batchSizes());
    assertEquals("ocr:cls", plan.input());
    assertEquals(10_000, plan.requests());
    assertEquals(List.of(100.0), plan.loadLevels());
    assertEquals(List.of("cpu"), plan.devices());
  }

  @Test
  void torchServeOnlyFieldIsStillAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchPlan.parse("benchmark_engine: ab\nworkers: [1]\n"));
    assertTrue(e.getMessage().contains("'benchmark_engine'"), e.getMessage());
  }

  @Test
  void yamlFieldFailingValidationIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchPlan.parse("batch_size: [0]\n"));
    assertTrue(e.getMessage().startsWith("batchSizes"), e.getMessage());
  }

  @Test
  void yamlThatIsNotAMappingIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchPlan.parse("- workers\n- concurrency\n"));
    assertTrue(e.getMessage().contains("YAML object"), e.getMessage());
  }
}
