package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.InvalidConfigException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.spi.HandlerProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TensorHandlerTest {
  @RegisterExtension
  final EngineFixture engines = new EngineFixture();

  private TensorHandler handler(String model) {
    TensorHandler h = new TensorHandler();
    h.initialize(new TestContext(engines.engine(Map.of()), EngineFixture.model(model), Map.of()));
    return h;
  }

  private static Map<String, Tensor> x(float... values) {
    return Map.of("x", Tensor.of(values, values.length / 4, 4));
  }

  private static Map<String, Tensor> sequence(long... ids) {
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1);
    return Map.of("input_ids", Tensor.of(ids, 1, ids.length), "attention_mask", Tensor.of(mask, 1, ids.length));
  }

  @Test
  void builtInAliasesAreFoundByServiceLoader() {
    Set<String> aliases = Providers.of(HandlerProvider.class).stream().map(HandlerProvider::alias)
        .collect(Collectors.toSet());
    assertEquals(Set.of("tensor", "embedding", "image-classifier"), aliases);
  }

  @Test
  void requestsAreStackedIntoOneRunAndEachGetsItsOwnRows() throws Exception {
    try (TensorHandler h = handler("matmul_add.onnx")) {
      TestBatch<Map<String, Tensor>> batch = TestBatch.of(x(1, 0, 0, 0), x(0, 1, 2, 3, 1, 0, 0, 0), x(0, 0, 0, 0));
      List<Map<String, Tensor>> out = TestBatch.run(h, batch);
      assertArrayEquals(new float[] {1.0f, 2.1f, 3.2f}, out.get(0).get("y").toFloatArray(), 1e-5f);
      assertArrayEquals(new float[] {5.2f, 6.8f, 8.4f, 1.0f, 2.1f, 3.2f}, out.get(1).get("y").toFloatArray(), 1e-5f);
      assertArrayEquals(new long[] {2, 3}, out.get(1).get("y").shape());
      assertArrayEquals(new float[] {1, 2, 3}, out.get(2).get("y").toFloatArray(), 1e-5f);
    }
  }

  @Test
  void aRequestThatDoesNotFitTheModelFailsAlone() throws Exception {
    try (TensorHandler h = handler("matmul_add.onnx")) {
      TestBatch<Map<String, Tensor>> batch = TestBatch.of(x(1, 0, 0, 0),
          Map.of("x", Tensor.of(new float[3], 1, 3)), null, Map.of("x", Tensor.of(new int[4], 1, 4)),
          x(0, 0, 0, 0));
      List<Map<String, Tensor>> out = TestBatch.run(h, batch);
      for (int failed : new int[] {1, 2, 3}) {
        assertInstanceOf(InvalidInputException.class, batch.failure(failed), "item " + failed);
      }
      assertTrue(batch.failure(1).getMessage().contains("'x'"), batch.failure(1).getMessage());
      assertFalse(batch.isFailed(0) || batch.isFailed(4));
      assertEquals(3, out.get(4).get("y").elementCount());
    }
  }

  @Test
  void differentSequenceLengthsRunAsSeparateGroups() throws Exception {
    try (TensorHandler h = handler("sequence_mask.onnx")) {
      TestBatch<Map<String, Tensor>> batch = TestBatch.of(sequence(1, 2), sequence(3, 4, 5), sequence(6, 7));
      List<Map<String, Tensor>> out = TestBatch.run(h, batch);
      assertArrayEquals(new float[] {3}, out.get(0).get("total").toFloatArray());
      assertArrayEquals(new float[] {12}, out.get(1).get("total").toFloatArray());
      assertArrayEquals(new float[] {13}, out.get(2).get("total").toFloatArray());
    }
  }

  @Test
  void aModelWithAFixedBatchDimensionIsRejected() {
    TensorHandler h = new TensorHandler();
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> h.initialize(
        new TestContext(engines.engine(Map.of()), EngineFixture.model("fixed_batch.onnx"), Map.of())));
    assertTrue(e.getMessage().contains("float32 [2, 4]") && e.getMessage().contains("dynamic batch"),
        e.getMessage());
    h.close();
  }

  @Test
  void aModelWithoutABatchDimensionIsRejected() {
    TensorHandler h = new TensorHandler();
    assertThrows(InvalidConfigException.class, () -> h.initialize(
        new TestContext(engines.engine(Map.of()), EngineFixture.model("no_batch.onnx"), Map.of())));
    h.close();
  }

  @Test
  void paddingWithAMaskLeavesMaskedSumsUnchanged() {
    try (OnnxModel model = engines.load("sequence_mask.onnx")) {
      PaddedBatch ids = PaddedBatch.of(List.of(Tensor.of(new long[] {1, 2}, 1, 2), Tensor.of(new long[] {3, 4, 5},
          1, 3), Tensor.of(new long[] {6}, 1, 1)), 99);
      Tensor total = model.run(Map.of("input_ids", ids.tensor(), "attention_mask", ids.mask())).get("total");
      assertArrayEquals(new float[] {3, 12, 6}, total.toFloatArray());
      assertNull(model.inputs().get("absent"));
    }
  }
}
