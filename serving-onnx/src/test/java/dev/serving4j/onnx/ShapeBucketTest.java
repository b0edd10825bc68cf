package dev.serving4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.Batch;
import dev.serving4j.InvalidInputException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelClient;
import dev.serving4j.ModelServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tensor handler's {@code bucket=shape}: batches hold one shape, and misfits are refused before queueing. */
class ShapeBucketTest {
  @TempDir Path dir;
  final List<List<Long>> batchLengths = new CopyOnWriteArrayList<>();
  final CountDownLatch held = new CountDownLatch(1);
  final CountDownLatch gate = new CountDownLatch(1);

  /** The tensor handler, recording each batch's sequence lengths and holding the first batch at the gate. */
  final class Recording extends HeldTensorHandler {
    Recording() {
      super(new TensorHandler());
    }

    @Override
    protected void beforeBatch(Batch<Map<String, Tensor>> batch) throws InterruptedException {
      batchLengths.add(batch.inputs().stream().map(in -> in.get("input_ids").dim(1)).toList());
      held.countDown();
      gate.await(30, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Tensor> sequence(long... ids) {
    long[] mask = new long[ids.length];
    Arrays.fill(mask, 1);
    return Map.of("input_ids", Tensor.of(ids, 1, ids.length), "attention_mask", Tensor.of(mask, 1, ids.length));
  }

  @Test
  void batchesHoldOneShapeAndAMisfitIsRefusedBeforeItIsQueued() throws Exception {
    Path archive = ModelArchive.builder("seq", "1").handler("recording").engine("onnxruntime")
        .modelFile("model.onnx", EngineFixture.model("sequence_mask.onnx"))
        .handlerProperty("bucket", "shape")
        .config(Map.of("workers", 1, "maxBatchSize", 16))
        .writeDirectory(dir.resolve("seq"));
    try (ModelServer server = ModelServer.builder().handler("recording", Recording::new).build()) {
      server.register(archive);
      ModelClient<Map<String, Tensor>, Map<String, Tensor>> seq = TensorHandler.client(server, "seq");
      CompletableFuture<Map<String, Tensor>> first = seq.predict(sequence(1));
      assertTrue(held.await(30, TimeUnit.SECONDS));
      List<CompletableFuture<Map<String, Tensor>>> calls = new ArrayList<>();
      List<Float> expected = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        long[] ids = i % 2 == 0 ? new long[] {i, 1} : new long[] {i, 1, 1};
        calls.add(seq.predict(sequence(ids)));
        expected.add((float) Arrays.stream(ids).sum());
      }
      CompletableFuture<Map<String, Tensor>> misfit = seq.predict(
          Map.of("input_ids", Tensor.of(new float[2], 1, 2), "attention_mask", Tensor.of(new long[2], 1, 2)));
      assertTrue(misfit.isCompletedExceptionally(), "a misfit must be refused at the door");
      gate.countDown();
      first.get(30, TimeUnit.SECONDS);
      for (int i = 0; i < calls.size(); i++) {
        assertEquals(expected.get(i), calls.get(i).get(30, TimeUnit.SECONDS).get("total").toFloatArray()[0]);
      }
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, misfit::get);
      assertInstanceOf(InvalidInputException.class, e.getCause());
      for (List<Long> lengths : batchLengths.subList(1, batchLengths.size())) {
        assertEquals(1, lengths.stream().distinct().count(), "a batch mixed shapes: " + batchLengths);
      }
      assertEquals(List.of(4, 4), batchLengths.subList(1, batchLengths.size()).stream().map(List::size).toList());
    }
  }
}
