package dev.serving4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void maxWorkersFollowsMinWorkersWhileItWasNeverSet() {
    assertEquals(4, ModelConfig.DEFAULTS.with(b -> b.minWorkers(4)).maxWorkers());
    assertEquals(5, ModelConfig.builder().minWorkers(3).build().toBuilder().minWorkers(5).build().maxWorkers());
  }

  @Test
  void anExplicitMaxWorkersIsKeptWhenMinWorkersChanges() {
    assertEquals(3, ModelConfig.builder().maxWorkers(3).build().with(b -> b.minWorkers(2)).maxWorkers());
  }

  @Test
  void minWorkersZeroLeavesTheDefaultPoolEmpty() {
    ModelConfig c = ModelConfig.builder().minWorkers(0).build();
    assertEquals(0, c.maxWorkers());
  }

  @Test
  void workersIsAShorthandForBothBoundsInTheBuilderAndInMaps() {
    ModelConfig none = ModelConfig.builder().workers(0).build();
    assertEquals(List.of(0, 0), List.of(none.minWorkers(), none.maxWorkers()));
    ModelConfig three = ModelConfig.builder().apply(Map.of("workers", 3)).build();
    assertEquals(List.of(3, 3), List.of(three.minWorkers(), three.maxWorkers()));
    assertMessage("workers must be in 0..1024, was -1", () -> ModelConfig.builder().workers(-1));
  }

  @Test
  void aPriorityQueueLimitAboveMaxQueueSizeIsRefusedNamingBothFields() {
    assertMessage("priorityQueueLimits[1] (20) must be <= maxQueueSize (10)", () -> ModelConfig.builder()
        .maxQueueSize(10).priorityLevels(2).priorityQueueLimits(List.of(5, 20)).build());
  }

  @Test
  void aNullFieldNameInAMapIsAConfigError() {
    Map<String, Object> values = new java.util.HashMap<>();
    values.put(null, 4);
    assertMessage("config field name must not be null", () -> ModelConfig.builder().apply(values));
  }

  @Test
  void aBadListElementIsNamedByItsIndex() {
    assertMessage("priorityQueueLimits[1] must be in 1..10000000, was 0",
        () -> ModelConfig.builder().priorityQueueLimits(List.of(5, 0)));
    assertMessage("priorityTimeouts[1] must be in 0ms..1d, was -1ms",
        () -> ModelConfig.builder().priorityTimeouts(List.of(Duration.ZERO, Duration.ofMillis(-1))));
  }

  @Test
  void theInferenceTimeoutMessageStatesTheRangeThatIsChecked() {
    assertMessage("inferenceTimeout must be in 1ms..1d, was 0ms",
        () -> ModelConfig.builder().inferenceTimeout(Duration.ZERO));
  }

  @Test
  void isSetTellsAnExplicitValueFromADefault() {
    ModelConfig c = ModelConfig.builder().apply(Map.of("maxBatchSize", 8)).minWorkers(2).build();
    assertTrue(c.isSet("maxBatchSize"), "set to its default value, still set");
    assertTrue(c.isSet("minWorkers"));
    assertFalse(c.isSet("maxWorkers"));
    assertFalse(c.isSet("workers"));
    assertFalse(ModelConfig.DEFAULTS.isSet("minWorkers"));
    assertMessage("unknown config field 'maxBatch'", () -> c.isSet("maxBatch"));
  }

  @Test
  void theWorkersShorthandCountsAsSetOnceBothBoundsAre() {
    assertTrue(ModelConfig.builder().workers(2).build().isSet("workers"));
    assertTrue(ModelConfig.DEFAULTS.with(b -> b.minWorkers(1).maxWorkers(3)).isSet("workers"));
  }

  @Test
  void derivedConfigsAndMapsKeepWhatWasSet() {
    ModelConfig c = ModelConfig.builder().minWorkers(2).build().with(b -> b.maxBatchSize(4));
    assertTrue(c.isSet("minWorkers") && c.isSet("maxBatchSize") && !c.isSet("maxWorkers"));
    assertEquals(Map.of("minWorkers", 2, "maxBatchSize", 4), c.toMap());
    ModelConfig back = ModelConfig.builder().apply(c.toMap()).build();
    assertEquals(c, back);
    assertFalse(back.isSet("maxWorkers"));
  }

  @Test
  void equalValuesAreEqualConfigsWhetherSetOrDefault() {
    assertEquals(ModelConfig.DEFAULTS, ModelConfig.builder().maxBatchSize(8).build());
    assertEquals(ModelConfig.DEFAULTS.hashCode(), ModelConfig.builder().maxBatchSize(8).build().hashCode());
  }

  @Test
  void toStringShowsEveryField() {
    String text = ModelConfig.DEFAULTS.toString();
    assertTrue(text.startsWith("ModelConfig{minWorkers=1, maxWorkers=1, maxBatchSize=8"), text);
    assertTrue(text.contains("latencyTarget=0ms"), text);
  }

  @Test
  void latencyTargetIsOffByDefaultAndReadFromAManifest() {
    assertEquals(Duration.ZERO, ModelConfig.DEFAULTS.latencyTarget());
    ModelConfig c = ModelConfig.builder().apply(Map.of("latencyTarget", "50ms")).build();
    assertEquals(Duration.ofMillis(50), c.latencyTarget());
    assertEquals("50ms", c.toMap().get("latencyTarget"));
    assertMessage("latencyTarget must be in 0ms..1h, was 2h",
        () -> ModelConfig.builder().latencyTarget(Duration.ofHours(2)));
  }

  @Test
  void maxWorkersZeroIsAllowedWithMinWorkersZero() {
    ModelConfig c = ModelConfig.builder().minWorkers(0).maxWorkers(0).build();
    assertEquals(0, c.maxWorkers());
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    InvalidConfigException ex = assertThrows(InvalidConfigException.class, e);
    assertTrue(ex.getMessage().contains(expected), "message '" + ex.getMessage() + "' lacks '" + expected + "'");
  }
}
