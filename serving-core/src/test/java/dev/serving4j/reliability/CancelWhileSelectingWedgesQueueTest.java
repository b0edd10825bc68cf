package dev.serving4j.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BUG REPRO (not in src/test): when a queued request completes (cancel or deadline) while a worker is inside
 * RequestQueue.take, BatchSelector.select skips it as done but it is still linked (its completion hook is waiting
 * for the queue lock to unlink it). take() then loops forever without releasing the lock: the worker spins at 100%
 * CPU and every later predict() blocks in RequestQueue.offer. A single cancel can wedge the model version.
 */
class CancelWhileSelectingWedgesQueueTest {
  @TempDir Path dir;

  static final class Echo implements Handler<String, String> {
    @Override
    public Object preprocess(Batch<String> batch) {
      return null;
    }

    @Override
    public Object inference(Object pre, Batch<String> batch) {
      return null;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return batch.inputs();
    }
  }

  @Test
  void cancellingARequestAsAnIdleWorkerWakesForItMustNotWedgeTheQueue() throws Exception {
    ModelServer server = ModelServer.builder().handler("echo", Echo::new).build();
    server.register(ModelArchive.builder("m", "1").handler("echo").config(Map.of("workers", 1))
        .writeDirectory(dir.resolve("m")));
    Thread caller = new Thread(() -> {
      java.util.Random random = new java.util.Random(1);
      for (int i = 0; i < 200_000; i++) {
        CompletableFuture<Object> f = server.predict("m", "x" + i);
        long until = System.nanoTime() + random.nextInt(30_000); // cancel at a random moment of the worker's take
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        f.cancel(true);
      }
    }, "caller");
    caller.setDaemon(true);
    caller.start();
    caller.join(60_000);
    // Fails: the caller is blocked in RequestQueue.offer, the worker spins in RequestQueue.take.
    assertFalse(caller.isAlive(), "predict() blocked: the queue is wedged");
    server.close();
  }
}
