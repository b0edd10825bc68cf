package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.serving4j.Device;
import dev.serving4j.InferenceTimeoutException;
import dev.serving4j.InvalidInputException;
import dev.serving4j.spi.EngineProvider;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OnnxModelTest {
  @RegisterExtension
  final EngineFixture engines = new EngineFixture();

  private static final float[] X = {1, 0, 0, 0, 0, 1, 2, 3};

  @Test
  void serviceLoaderFindsTheEngineByName() {
    assertTrue(Providers.of(EngineProvider.class).stream()
        .anyMatch(p -> p.name().equals("onnxruntime") && p instanceof OnnxEngineProvider));
  }

  @Test
  void metadataDescribesInputsAndOutputs() {
    try (OnnxModel model = engines.load("matmul_add.onnx")) {
      TensorSpec x = model.inputs().get("x");
      assertEquals(DType.FLOAT32, x.dtype());
      assertArrayEquals(new long[] {-1, 4}, x.shape());
      assertEquals("float32 [batch, 4]", x.describe());
      assertTrue(model.outputs().containsKey("y"));
      assertEquals(Device.CPU, model.device());
    }
  }

  @Test
  void labelNamesModelAndVersionWhileModelNameStaysTheBareNameElsewhere() {
    try (OnnxModel model = engines.load("matmul_add.onnx")) {
      assertEquals("test:1", model.label());
    }
    assertThrows(NoSuchMethodException.class, () -> OnnxModel.class.getMethod("modelName"));
  }

  @Test
  void dynamicBatchRunsAnyNumberOfRows() {
    try (OnnxModel model = engines.load("matmul_add.onnx")) {
      Tensor y = model.run(Map.of("x", Tensor.of(X, 2, 4))).get("y");
      assertArrayEquals(new long[] {2, 3}, y.shape());
      // row 0 = W[0] + b; row 1 = W[1] + 2 W[2] + 3 W[3] + b, W = arange(12).reshape(4, 3) / 10
      assertArrayEquals(new float[] {1.0f, 2.1f, 3.2f, 5.2f, 6.8f, 8.4f}, y.toFloatArray(), 1e-5f);
      assertEquals(1, model.run(Map.of("x", Tensor.of(new float[4], 1, 4))).get("y").dim(0));
    }
  }

  @Test
  void pinnedOutputsAreWrittenInPlace() {
    try (OnnxModel model = engines.load("matmul_add.onnx")) {
      Tensor y = Tensor.zeros(DType.FLOAT32, 2, 3);
      model.runInto(Map.of("x", Tensor.of(X, 2, 4)), Map.of("y", y));
      assertArrayEquals(new float[] {1.0f, 2.1f, 3.2f, 5.2f, 6.8f, 8.4f}, y.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void aPinnedOutputOfTheWrongTypeOrShapeIsRejectedBeforeNativeCode() {
    try (OnnxModel model = engines.load("matmul_add.onnx")) {
      Map<String, Tensor> in = Map.of("x", Tensor.of(X, 2, 4));
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> model.runInto(in, Map.of("y", Tensor.zeros(DType.INT64, 2, 3))));
      assertTrue(e.getMessage().contains("output 'y'"), e.getMessage());
      assertThrows(InvalidInputException.class, () -> model.runInto(in, Map.of("y", Tensor.zeros(DType.FLOAT32, 2, 4))));
      assertThrows(InvalidInputException.class, () -> model.runInto(in, Map.of("z", Tensor.zeros(DType.FLOAT32, 2, 3))));
    }
  }

  @Test
  void everyDtypeGoesInAndComesOut() {
    check("dtype_float16.onnx", Tensor.ofFloat16(new float[] {0.5f, -1, 2}, 1, 3),
        Tensor.ofFloat16(new float[] {0.5f, -1, 2}, 1, 3));
    check("dtype_int64.onnx", Tensor.of(new long[] {1, 2, 1L << 40}, 1, 3),
        Tensor.of(new long[] {2, 3, (1L << 40) + 1}, 1, 3));
    check("dtype_int32.onnx", Tensor.of(new int[] {-1, 0, 41}, 1, 3), Tensor.of(new int[] {0, 1, 42}, 1, 3));
    check("dtype_uint8.onnx", Tensor.ofUint8(new byte[] {0, 127, (byte) 255}, 1, 3),
        Tensor.ofUint8(new byte[] {0, 127, (byte) 255}, 1, 3));
    check("dtype_bool.onnx", Tensor.of(new boolean[] {true, false, true}, 1, 3),
        Tensor.of(new boolean[] {false, true, false}, 1, 3));
  }

  private void check(String file, Tensor in, Tensor expected) {
    try (OnnxModel model = engines.load(file)) {
      assertEquals(expected, model.run(Map.of("x", in)).get("y"), file);
    }
  }

  @Test
  void invalidInputsAreRejectedBeforeNativeCodeNamingTheInput() {
    try (OnnxModel model = engines.load("matmul_add.onnx")) {
      expectInvalid(model, Map.of("x", Tensor.of(new long[8], 2, 4)), "wrong dtype");
      expectInvalid(model, Map.of("x", Tensor.of(new float[8], 8)), "wrong rank");
      expectInvalid(model, Map.of("x", Tensor.of(new float[6], 2, 3)), "dimension 1 must be 4");
      expectInvalid(model, Map.of(), "is missing");
      expectInvalid(model, Map.of("x", Tensor.of(X, 2, 4), "z", Tensor.of(X, 2, 4)), "no input 'z'");
      Map<String, Tensor> nullTensor = new HashMap<>();
      nullTensor.put("x", null);
      expectInvalid(model, nullTensor, "is null");
      assertThrows(InvalidInputException.class, () -> model.run(null));
      assertEquals(0, model.liveTensors(), "no native tensor was created");
    }
  }

  private static void expectInvalid(OnnxModel model, Map<String, Tensor> in, String detail) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.run(in));
    assertTrue(e.getMessage().contains(detail), e.getMessage());
    assertTrue(in.isEmpty() || e.getMessage().contains("'x'") || e.getMessage().contains("'z'"), e.getMessage());
  }

  @Test
  void inputsSharingASymbolicDimensionMustAgreeOnIt() {
    try (OnnxModel model = engines.load("sequence_mask.onnx")) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.run(Map.of(
          "input_ids", Tensor.of(new long[3], 1, 3), "attention_mask", Tensor.of(new long[4], 1, 4))));
      assertTrue(e.getMessage().contains("'seq'"), e.getMessage());
    }
  }

  @Test
  void nativeRunsValidateAndTheirResultsAreClosedByTheCaller() throws Exception {
    try (OnnxModel model = engines.load("matmul_add.onnx");
        OnnxTensor x = model.createTensor(Tensor.of(X, 2, 4));
        OrtSession.Result result = model.runNative(Map.of("x", x))) {
      assertEquals(2, model.liveTensors(), "the input and the output are open");
      assertEquals(2, ((float[][]) result.get(0).getValue()).length);
      try (OnnxTensor wrong = model.createTensor(Tensor.of(new int[8], 2, 4))) {
        assertThrows(InvalidInputException.class, () -> model.runNative(Map.of("x", wrong)));
      }
    }
  }

  @Test
  void anAbortedRunRaisesInferenceTimeoutAndTheSessionStaysUsable() {
    OnnxEngine engine = engines.engine(Map.of(), Duration.ofMillis(50));
    try (OnnxModel model = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 0)) {
      AtomicInteger runs = new AtomicInteger();
      // The watchdog's abort arrives as the first run starts: ONNX Runtime sees the terminate flag and stops.
      model.onRunStarting(() -> {
        if (runs.getAndIncrement() == 0) {
          model.abort();
        }
      });
      InferenceTimeoutException e = assertThrows(InferenceTimeoutException.class,
          () -> model.run(Map.of("x", Tensor.of(X, 2, 4))));
      assertTrue(e.getMessage().contains("50 ms") && e.getMessage().contains("test:1"), e.getMessage());
      assertEquals(2, model.run(Map.of("x", Tensor.of(X, 2, 4))).get("y").dim(0));
    }
  }

  @Test
  void anAbortBetweenRunsAffectsNoRun() {
    OnnxEngine engine = engines.engine(Map.of(), Duration.ofSeconds(30));
    try (OnnxModel model = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 0)) {
      model.abort();
      assertEquals(2, model.run(Map.of("x", Tensor.of(X, 2, 4))).get("y").dim(0));
      model.abort();
      assertEquals(2, model.run(Map.of("x", Tensor.of(X, 2, 4))).get("y").dim(0));
    }
  }

  @Test
  void workersOnOneDeviceShareOneSessionUntilTheLastCloses() throws Exception {
    OnnxEngine engine = engines.engine(Map.of("intraOpThreads", "1"));
    OnnxModel a = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 0);
    OnnxModel b = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 1);
    assertEquals(1, engine.openSessions());
    assertSame(sessionOf(a), sessionOf(b));
    a.close();
    a.close();
    assertEquals(1, engine.openSessions());
    assertEquals(2, b.run(Map.of("x", Tensor.of(X, 2, 4))).get("y").dim(0));
    b.close();
    assertEquals(0, engine.openSessions());
  }

  @Test
  void theElasticLayoutSharesOneNarrowAndOneWideSessionAcrossWorkers() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    OnnxEngine engine = engines.engine(Map.of());
    assertEquals(Math.max(1, cores), engine.defaultWorkers(cores));
    try (OnnxModel a = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 0);
        OnnxModel b = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 1)) {
      assertEquals(cores > 1 ? 2 : 1, engine.openSessions(), "one narrow session, plus one wide on >1 core");
      assertSame(sessionOf(a), sessionOf(b));
      a.coresForNextBatch(cores); // alone: the wide session
      assertEquals(2, a.run(Map.of("x", Tensor.of(X, 2, 4))).get("y").dim(0));
      a.coresForNextBatch(1);
      assertEquals(2, a.run(Map.of("x", Tensor.of(X, 2, 4))).get("y").dim(0));
    }
    assertEquals(0, engine.openSessions());
  }

  @Test
  void anyLayoutOptionTurnsTheElasticLayoutOff() {
    for (String key : OnnxEngine.LAYOUT_OPTIONS) {
      assertFalse(OnnxEngine.elastic(Map.of(key, "1")), key);
      assertEquals(1, engines.engine(Map.of(key, key.equals("intraOpSpinning") || key.equals("sessionPerWorker")
          ? "true" : "1")).defaultWorkers(8), key);
    }
    assertTrue(OnnxEngine.elastic(Map.of("optimizationLevel", "basic")));
  }

  @Test
  void sessionPerWorkerGivesEachWorkerItsOwnSession() {
    OnnxEngine engine = engines.engine(Map.of("sessionPerWorker", "true", "intraOpThreads", "1"));
    try (OnnxModel a = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 0);
        OnnxModel b = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.CPU, 1)) {
      assertEquals(2, engine.openSessions());
      assertEquals(b.run(Map.of("x", Tensor.of(X, 2, 4))), a.run(Map.of("x", Tensor.of(X, 2, 4))));
    }
  }

  @Test
  void cudaRequestedWithoutTheGpuRuntimeFallsBackToCpu() {
    OnnxEngine engine = engines.engine(Map.of("executionProvider", "cuda"));
    try (OnnxModel model = (OnnxModel) engine.load(EngineFixture.model("matmul_add.onnx"), Device.gpu(0), 0)) {
      assertEquals(Device.CPU, model.device());
    }
  }

  @Test
  void cudaRequiredWithoutTheGpuRuntimeFails() {
    OnnxEngine engine = engines.engine(Map.of("gpuRequired", "true"));
    assertThrows(dev.serving4j.InvalidConfigException.class,
        () -> engine.load(EngineFixture.model("matmul_add.onnx"), Device.gpu(0), 0));
    assertEquals(0, engine.openSessions());
  }

  private static Object sessionOf(OnnxModel model) throws Exception {
    java.lang.reflect.Field f = OnnxModel.class.getDeclaredField("session");
    f.setAccessible(true);
    return f.get(model);
  }
}
