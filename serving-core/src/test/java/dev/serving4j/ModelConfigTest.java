package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
  @Test
  void defaultsAreDocumentedValues() {
    ModelConfig c = ModelConfig.DEFAULTS;
    assertEquals(1, c.minWorkers());
    assertEquals(1, c.maxWorkers());
    assertEquals(8, c.maxBatchSize());
    assertEquals(Duration.ofMillis(5), c.maxBatchDelay());
    assertEquals(BatchingMode.ADAPTIVE, c.batchingMode());
    assertEquals(1000, c.maxQueueSize());
    assertEquals(Duration.ZERO, c.requestTimeout());
    assertEquals(List.of(Device.CPU), c.devices());
  }

  @Test
  void eachBadValueNamesItsField() {
    assertMessage("maxBatchSize", () -> ModelConfig.builder().maxBatchSize(0));
    assertMessage("minWorkers", () -> ModelConfig.builder().minWorkers(-1));
    assertMessage("maxQueueSize", () -> ModelConfig.builder().maxQueueSize(0));
    assertMessage("maxBatchDelay", () -> ModelConfig.builder().maxBatchDelay(Duration.ofMillis(-1)));
    assertMessage("inferenceTimeout", () -> ModelConfig.builder().inferenceTimeout(Duration.ZERO));
    assertMessage("devices", () -> ModelConfig.builder().devices(List.of()));
    assertMessage("maxWorkers (1) must be >= minWorkers (2)",
        () -> ModelConfig.builder().minWorkers(2).maxWorkers(1).build());
  }

  @Test
  void mapsApplyStrictly() {
    ModelConfig c = ModelConfig.builder().apply(Map.of("maxBatchSize", 16, "maxBatchDelay", "2ms",
        "batchingMode", "fixed_delay", "devices", List.of("gpu:0", "gpu:1"), "workers", 2)).build();
    assertEquals(16, c.maxBatchSize());
    assertEquals(Duration.ofMillis(2), c.maxBatchDelay());
    assertEquals(BatchingMode.FIXED_DELAY, c.batchingMode());
    assertEquals(List.of(Device.gpu(0), Device.gpu(1)), c.devices());
    assertEquals(2, c.maxWorkers());
    assertMessage("unknown config field 'maxBatch'", () -> ModelConfig.builder().apply(Map.of("maxBatch", 4)));
    assertMessage("maxBatchSize must be a whole number, was String",
        () -> ModelConfig.builder().apply(Map.of("maxBatchSize", "4")));
    assertMessage("maxBatchDelay must be a duration", () -> ModelConfig.builder().apply(Map.of("maxBatchDelay", "soon")));
    assertMessage("batchingMode must be ADAPTIVE or FIXED_DELAY",
        () -> ModelConfig.builder().apply(Map.of("batchingMode", "eager")));
    assertMessage("device must be 'cpu' or 'gpu:N'", () -> ModelConfig.builder().apply(Map.of("devices", "tpu")));
  }

  @Test
  void mapRoundTripKeepsEveryField() {
    ModelConfig c = ModelConfig.builder().minWorkers(2).maxWorkers(4).maxBatchSize(32)
        .maxBatchDelay(Duration.ofNanos(1500_000)).requestTimeout(Duration.ofSeconds(3))
        .handlerProperty("topK", "5").engineOption("intraOpThreads", "1").devices("gpu:0").build();
    assertEquals(c, ModelConfig.builder().apply(c.toMap()).build());
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void overridesDeriveANewConfigAndLeaveTheOriginal() {
    ModelConfig base = ModelConfig.DEFAULTS;
    ModelConfig over = base.with(b -> b.maxBatchSize(2));
    assertEquals(2, over.maxBatchSize());
    assertEquals(8, base.maxBatchSize());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    InvalidConfigException ex = assertThrows(InvalidConfigException.class, e);
    assertTrue(ex.getMessage().contains(expected), "message '" + ex.getMessage() + "' lacks '" + expected + "'");
  }
}
