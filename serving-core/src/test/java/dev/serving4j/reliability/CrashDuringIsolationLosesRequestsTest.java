package dev.serving4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.serving4j.Batch;
import dev.serving4j.Handler;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BUG REPRO (not in src/test): an Error thrown while BatchRunner bisects a failed batch escapes isolate() as a
 * WorkerCrash, so the halves not yet run are never run, requeued or completed: their futures never complete.
 */
class CrashDuringIsolationLosesRequestsTest {
  @TempDir Path dir;

  static final CountDownLatch gate = new CountDownLatch(1);
  static final CountDownLatch entered = new CountDownLatch(1);

  /** "hold" waits at the gate; a batch holding "bomb" throws in preprocess; one holding "crash" throws an Error. */
  static final class Bisected implements Handler<String, String> {
    @Override
    public Class<?> inputType() {
      return String.class;
    }

    @Override
    public Object preprocess(Batch<String> batch) throws Exception {
      if (batch.inputs().contains("hold")) {
        entered.countDown();
        gate.await(10, TimeUnit.SECONDS);
      }
      if (batch.inputs().contains("bomb")) {
        throw new IllegalStateException("bomb");
      }
      return null;
    }

    @Override
    public Object inference(Object pre, Batch<String> batch) {
      if (batch.inputs().contains("crash")) {
        throw new AssertionError("simulated crash");
      }
      return null;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      return batch.inputs().stream().map(s -> "out-" + s).toList();
    }
  }

  @Test
  void aCrashWhileABatchIsBisectedLosesTheHalvesNotYetRun() throws Exception {
    try (ModelServer server = ModelServer.builder().handler("bisected", Bisected::new)
        .restartBackoff(Duration.ofMillis(1), Duration.ofMillis(10)).drainTimeout(Duration.ofSeconds(1)).build()) {
      server.register(ModelArchive.builder("m", "1").handler("bisected")
          .config(Map.of("workers", 1, "maxBatchSize", 8)).writeDirectory(dir.resolve("m")));
      CompletableFuture<Object> hold = server.predict("m", "hold");
      entered.await(10, TimeUnit.SECONDS);
      // Queued behind "hold", these four form one batch: [bomb, crash | ok-1, ok-2].
      List<CompletableFuture<Object>> batch = List.of(server.predict("m", "bomb"), server.predict("m", "crash"),
          server.predict("m", "ok-1"), server.predict("m", "ok-2"));
      gate.countDown();
      assertEquals("out-hold", hold.get(10, TimeUnit.SECONDS));
      // ok-1 and ok-2 should succeed (or at least complete); instead they never complete.
      assertEquals("out-ok-1", batch.get(2).get(10, TimeUnit.SECONDS));
      assertEquals("out-ok-2", batch.get(3).get(10, TimeUnit.SECONDS));
    }
  }
}
