package dev.serving4j.onnx.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.Batch;
import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import dev.serving4j.onnx.Tensor;
import dev.serving4j.onnx.HeldTensorHandler;
import dev.serving4j.onnx.TensorHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs to a real ONNX model through a real {@link ModelServer} and the built-in {@code tensor} handler: each
 * malformed request fails alone with an {@link InvalidInputException} raised by validation (never by ONNX Runtime),
 * while the good requests in the very same batch succeed. NaN and infinities are valid float32 values: they are
 * accepted and flow through the model as IEEE arithmetic says.
 */
class BadInputTest {
  @TempDir Path dir;
  private final OnnxFixtures.TrackedHandlers handlers = new OnnxFixtures.TrackedHandlers();
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch held = new CountDownLatch(1);
  private final Map<String, Tensor> hold = x(1, 0, 0, 0);
  private final ModelServer server = ModelServer.builder().name("badinput").meterRegistry(handlers.registry)
      .handler("gated-tensor", () -> new Gated(handlers.create())).build();

  @AfterEach
  void closeServer() {
    gate.countDown();
    server.close();
  }

  /** The tensor handler, held at preprocess while the batch holds the {@link #hold} request and the gate is up. */
  private final class Gated extends HeldTensorHandler {
    Gated(TensorHandler delegate) {
      super(delegate);
    }

    @Override
    protected void beforeBatch(Batch<Map<String, Tensor>> batch) throws InterruptedException {
      batchSizes.add(batch.size());
      if (batch.inputs().stream().anyMatch(in -> in == hold)) {
        held.countDown();
        gate.await(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, Tensor> x(float... values) {
    return Map.of("x", Tensor.of(values, values.length / 4, 4));
  }

  /** The malformed requests, by what is wrong with them. */
  private static Map<String, Map<String, Tensor>> badInputs() {
    Map<String, Map<String, Tensor>> bad = new LinkedHashMap<>();
    bad.put("wrong dtype int32", Map.of("x", Tensor.of(new int[4], 1, 4)));
    bad.put("wrong dtype int64", Map.of("x", Tensor.of(new long[4], 1, 4)));
    bad.put("wrong dtype float16", Map.of("x", Tensor.ofFloat16(new float[4], 1, 4)));
    bad.put("rank 1", Map.of("x", Tensor.of(new float[4], 4)));
    bad.put("rank 3", Map.of("x", Tensor.of(new float[4], 1, 1, 4)));
    bad.put("wrong shape [1, 3]", Map.of("x", Tensor.of(new float[3], 1, 3)));
    bad.put("oversize [1, 400]", Map.of("x", Tensor.of(new float[400], 1, 400)));
    bad.put("empty [0, 4]", Map.of("x", Tensor.of(new float[0], 0, 4)));
    Map<String, Tensor> nullValue = new HashMap<>();
    nullValue.put("x", null);
    bad.put("null tensor", nullValue);
    bad.put("no inputs", Map.of());
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, Tensor> notATensor = (Map) Map.of("x", "a string, not a tensor");
    bad.put("value that is not a Tensor", notATensor);
    bad.put("missing input name", Map.of("input", Tensor.of(new float[4], 1, 4)));
    bad.put("extra input name", Map.of("x", Tensor.of(new float[4], 1, 4), "extra", Tensor.of(new float[4], 1, 4)));
    return bad;
  }

  @Test
  void eachBadInputFailsAloneBeforeNativeCodeWhileItsBatchMatesSucceed() throws Exception {
    server.register(OnnxFixtures.matmulArchive(dir, "gated-tensor", Map.of("workers", 1, "maxBatchSize", 64)));
    CompletableFuture<Map<String, Tensor>> first = mm().predict(hold);
    assertTrue(held.await(30, TimeUnit.SECONDS));
    Map<String, CompletableFuture<Map<String, Tensor>>> bad = new LinkedHashMap<>();
    List<CompletableFuture<Map<String, Tensor>>> good = new ArrayList<>();
    List<float[]> goodInputs = new ArrayList<>();
    for (Map.Entry<String, Map<String, Tensor>> e : badInputs().entrySet()) {
      float[] in = {good.size(), 1, 2, 3};
      goodInputs.add(in);
      good.add(mm().predict(x(in)));
      bad.put(e.getKey(), mm().predict(e.getValue()));
    }
    gate.countDown();
    first.get(30, TimeUnit.SECONDS);
    for (Map.Entry<String, CompletableFuture<Map<String, Tensor>>> e : bad.entrySet()) {
      Throwable cause = failure(e.getValue());
      assertInstanceOf(InvalidInputException.class, cause, e.getKey());
      assertTrue(cause.getMessage().contains("model mm:1"), e.getKey() + ": " + cause.getMessage());
      assertNull(cause.getCause(), e.getKey() + " reached ONNX Runtime: " + cause.getMessage());
    }
    for (int i = 0; i < good.size(); i++) {
      assertArrayEquals(OnnxFixtures.expected(goodInputs.get(i)), good.get(i).get(30, TimeUnit.SECONDS).get("y")
          .toFloatArray(), 1e-5f);
    }
    int queued = 2 * badInputs().size();
    // Exactly two preprocess calls: the held request, then all the others as one batch that was never bisected
    // (a whole-batch failure would have re-run halves of it).
    assertEquals(List.of(1, queued), batchSizes, "the good and bad requests ran as one batch");
    assertEquals(0, handlers.liveTensors());
  }

  @Test
  void aNullOrNonMapRequestIsRefusedAtTheDoor() {
    server.register(OnnxFixtures.matmulArchive(dir, "gated-tensor", Map.of("workers", 1)));
    assertInstanceOf(InvalidInputException.class, failure(server.predict("mm", null)));
    assertInstanceOf(InvalidInputException.class, failure(server.predict("mm", new float[] {1, 2, 3, 4})));
    assertEquals(0, server.describe("mm").versions().get(0).counts().accepted());
  }

  @Test
  void nanAndInfinityAreAcceptedAsFloatValuesAndPropagate() throws Exception {
    server.register(OnnxFixtures.matmulArchive(dir, "gated-tensor", Map.of("workers", 1)));
    float[] y = mm().predict(x(Float.NaN, 0, 0, 0)).get(30, TimeUnit.SECONDS).get("y")
        .toFloatArray();
    // x[0] = NaN: y[j] = NaN * W[0][j] + ...; W[0][0] = 0 and NaN * 0 is NaN, so every output is NaN.
    assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[1]) && Float.isNaN(y[2]), java.util.Arrays.toString(y));
    float[] inf = mm().predict(x(0, Float.POSITIVE_INFINITY, 0, 0))
        .get(30, TimeUnit.SECONDS).get("y").toFloatArray();
    // x[1] = +Inf times W[1] = [0.3, 0.4, 0.5]: every output is +Inf.
    assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, inf);
    float[] both = mm().predict(x(0, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        0)).get(30, TimeUnit.SECONDS).get("y").toFloatArray();
    // +Inf + -Inf is NaN.
    assertTrue(Float.isNaN(both[0]) && Float.isNaN(both[1]) && Float.isNaN(both[2]), java.util.Arrays.toString(both));
    assertEquals(0, handlers.liveTensors());
  }

  private ModelClient<Map<String, Tensor>, Map<String, Tensor>> mm() {
    return TensorHandler.client(server, "mm");
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (java.util.concurrent.ExecutionException | CompletionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
