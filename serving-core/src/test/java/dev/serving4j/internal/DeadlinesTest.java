package dev.serving4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.serving4j.Batch;
import dev.serving4j.DeadlineExceededException;
import dev.serving4j.Device;
import dev.serving4j.Handler;
import dev.serving4j.HandlerContext;
import dev.serving4j.InferenceTimeoutException;
import dev.serving4j.ModelArchive;
import dev.serving4j.ModelConfig;
import dev.serving4j.spi.Engine;
import dev.serving4j.spi.EngineModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One timer task per version ({@link Deadlines}): requests and batches arm it, a scan expires what the injected
 * ticker says is due, and an overrunning batch is aborted through the engine's hook, with no thread of the engine.
 */
class DeadlinesTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(Duration.ofDays(3).toNanos());
  final ServerResources resources = new ServerResources("deadlines-test", Duration.ofMillis(1),
      Duration.ofMillis(10), now::get);
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final AtomicInteger aborts = new AtomicInteger();
  ModelVersion version;

  @AfterEach
  void close() {
    release.countDown();
    if (version != null) {
      version.close(Duration.ofSeconds(5));
    }
    resources.close();
  }

  /** Holds its first batch until released (or interrupted) in inference. */
  final class HeldHandler implements Handler<String, String> {
    @Override
    public void initialize(HandlerContext context) {
      context.loadModel();
    }

    @Override
    public Object preprocess(Batch<String> batch) {
      return batch.size();
    }

    @Override
    public Object inference(Object pre, Batch<String> batch) throws InterruptedException {
      entered.countDown();
      release.await();
      return pre;
    }

    @Override
    public List<String> postprocess(Object inferred, Batch<String> batch) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        out.add("ok:" + batch.input(i));
      }
      return out;
    }
  }

  /** An engine whose models count the aborts the watchdog asks for. */
  final class CountingEngine implements Engine {
    @Override
    public EngineModel load(Path modelFile, Device device, int workerId) {
      return new EngineModel() {
        @Override
        public Device device() {
          return device;
        }

        @Override
        public void abort() {
          aborts.incrementAndGet();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void close() {}
  }

  private void start(ModelConfig config) throws Exception {
    Path model = java.nio.file.Files.write(dir.resolve("model.bin"), new byte[] {1});
    ModelArchive archive = ModelArchive.open(ModelArchive.builder("m", "1").handler("held")
        .modelFile("model.bin", model).writeDirectory(dir.resolve("m")));
    version = new ModelVersion(archive, config, new CountingEngine(), HeldHandler::new, resources, archive,
        ServerEvents.NONE);
    version.start().get(10, TimeUnit.SECONDS);
  }

  private static ModelConfig oneWorker(Duration inferenceTimeout) {
    return ModelConfig.DEFAULTS.with(b -> b.minWorkers(1).maxWorkers(1).maxBatchSize(1)
        .inferenceTimeout(inferenceTimeout));
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  private static Throwable cause(CompletableFuture<Object> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got a result");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aHundredQueuedRequestsWithDeadlinesShareOneTimerTask() throws Exception {
    start(oneWorker(Duration.ofHours(10)));
    CompletableFuture<Object> held = version.submit("held", Duration.ofHours(1), 0);
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 100; i++) {
      version.submit("q" + i, Duration.ofHours(1), 0);
    }
    // The autoscaler's periodic task and the version's one scan: no task per request, none per batch.
    assertEquals(2, resources.timer.getQueue().size());
    release.countDown();
    assertEquals("ok:held", held.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aScanExpiresTheQueuedRequestsTheTickerSaysAreLateAndKeepsTheRest() throws Exception {
    start(oneWorker(Duration.ofHours(10)));
    CompletableFuture<Object> held = version.submit("held", null, 0);
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    CompletableFuture<Object> late = version.submit("late", Duration.ofHours(1), 0);
    CompletableFuture<Object> onTime = version.submit("on-time", Duration.ofHours(3), 0);
    advance(Duration.ofHours(2));
    version.deadlines.scan();

    Throwable e = cause(late);
    assertInstanceOf(DeadlineExceededException.class, e);
    assertTrue(e.getMessage().contains("while queued"), e.getMessage());
    assertFalse(onTime.isDone());
    assertEquals(1, version.queueDepth(), "the late request left the queue at once");
    release.countDown();
    assertEquals("ok:held", held.get(10, TimeUnit.SECONDS));
    assertEquals("ok:on-time", onTime.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aRunningRequestPastItsDeadlineExpiresWhileItsBatchRuns() throws Exception {
    start(oneWorker(Duration.ofHours(10)));
    CompletableFuture<Object> running = version.submit("running", Duration.ofMinutes(1), 0);
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    advance(Duration.ofMinutes(2));
    version.deadlines.scan();

    Throwable e = cause(running);
    assertInstanceOf(DeadlineExceededException.class, e);
    assertTrue(e.getMessage().contains("while running"), e.getMessage());
    assertEquals(0, aborts.get(), "a request's deadline does not abort its batch");
  }

  @Test
  void aBatchPastTheInferenceTimeoutIsAbortedThroughTheEngineHookAndItsWorkerReplaced() throws Exception {
    start(oneWorker(Duration.ofSeconds(30)));
    CompletableFuture<Object> stuck = version.submit("stuck", null, 0);
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    advance(Duration.ofSeconds(29));
    version.deadlines.scan();
    assertFalse(stuck.isDone(), "not yet past the timeout on the ticker");

    advance(Duration.ofSeconds(2));
    version.deadlines.scan();
    assertInstanceOf(InferenceTimeoutException.class, cause(stuck));
    assertEquals(1, aborts.get());
  }
}
